#include "core/expression_evaluator.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace jobtuner::core {

namespace {

using Int128 = __int128;

Column nullColumn(const DataType& type, size_t rows) {
  return Column::nulls(type.kind == TypeKind::kNull ? DataType::int64() : type, rows);
}

/// A column of `rows` copies of a literal.
Column literalColumn(const Expr& expr, size_t rows) {
  if (expr.type.kind == TypeKind::kNull) return nullColumn(expr.type, rows);
  Column column(expr.type);
  column.valid.assign(rows, 1);
  switch (expr.type.kind) {
    case TypeKind::kInt64:
    case TypeKind::kDecimal:
    case TypeKind::kTimestamp: column.int64s.assign(rows, expr.int64Value); break;
    case TypeKind::kDouble: column.doubles.assign(rows, expr.doubleValue); break;
    case TypeKind::kBool: column.bools.assign(rows, expr.boolValue ? 1 : 0); break;
    case TypeKind::kString: column.strings.assign(rows, expr.text); break;
    case TypeKind::kNull: break;
  }
  return column;
}

/// Both operands' validity, and-ed into the result's.
void combineValidity(const Column& a, const Column& b, Column& out) {
  size_t rows = a.size();
  out.valid.resize(rows);
  for (size_t i = 0; i < rows; ++i) out.valid[i] = a.valid[i] & b.valid[i];
}

bool fitsInt64(Int128 value) {
  return value >= std::numeric_limits<int64_t>::min() && value <= std::numeric_limits<int64_t>::max();
}

/// Rounds value / 10^digits half away from zero.
Int128 divideRounded(Int128 value, int digits) {
  Int128 divisor = 1;
  for (int i = 0; i < digits; ++i) divisor *= 10;
  Int128 quotient = value / divisor;
  Int128 remainder = value % divisor;
  if (remainder < 0) remainder = -remainder;
  if (remainder * 2 >= divisor) quotient += value < 0 ? -1 : 1;
  return quotient;
}

/// Rescales an unscaled decimal from scale `from` to scale `to`; false on overflow.
bool rescale(int64_t value, int from, int to, int64_t& out) {
  Int128 result = value;
  if (to > from) {
    for (int i = from; i < to; ++i) result *= 10;
  } else if (to < from) {
    result = divideRounded(result, from - to);
  }
  if (!fitsInt64(result)) return false;
  out = static_cast<int64_t>(result);
  return true;
}

Column evaluateArithmetic(const Expr& expr, const Column& a, const Column& b) {
  size_t rows = a.size();
  Column out(expr.type.kind == TypeKind::kNull ? DataType::int64() : expr.type);
  combineValidity(a, b, out);
  if (expr.type.kind == TypeKind::kNull) {
    out.int64s.assign(rows, 0);
    std::fill(out.valid.begin(), out.valid.end(), 0);
    return out;
  }
  BinaryOp op = expr.binaryOp;
  if (expr.type.kind == TypeKind::kDouble) {
    out.doubles.resize(rows);
    const double* x = a.doubles.data();
    const double* y = b.doubles.data();
    double* r = out.doubles.data();
    switch (op) {
      case BinaryOp::kAdd: for (size_t i = 0; i < rows; ++i) r[i] = x[i] + y[i]; break;
      case BinaryOp::kSubtract: for (size_t i = 0; i < rows; ++i) r[i] = x[i] - y[i]; break;
      case BinaryOp::kMultiply: for (size_t i = 0; i < rows; ++i) r[i] = x[i] * y[i]; break;
      case BinaryOp::kDivide:
        for (size_t i = 0; i < rows; ++i) {
          if (y[i] == 0) {
            out.valid[i] = 0;
            r[i] = 0;
          } else {
            r[i] = x[i] / y[i];
          }
        }
        break;
      case BinaryOp::kModulo:
        for (size_t i = 0; i < rows; ++i) {
          if (y[i] == 0) {
            out.valid[i] = 0;
            r[i] = 0;
          } else {
            r[i] = std::fmod(x[i], y[i]);
          }
        }
        break;
      default: throw std::logic_error("not an arithmetic operator");
    }
    return out;
  }
  // int64 and decimal: the checker gave both operands the scale the operator needs (for *, the
  // product of the unscaled values already has the result's scale).
  out.int64s.resize(rows);
  const int64_t* x = a.int64s.data();
  const int64_t* y = b.int64s.data();
  int64_t* r = out.int64s.data();
  uint8_t* valid = out.valid.data();
  switch (op) {
    case BinaryOp::kAdd:
      for (size_t i = 0; i < rows; ++i) {
        if (__builtin_add_overflow(x[i], y[i], &r[i])) valid[i] = 0;
      }
      break;
    case BinaryOp::kSubtract:
      for (size_t i = 0; i < rows; ++i) {
        if (__builtin_sub_overflow(x[i], y[i], &r[i])) valid[i] = 0;
      }
      break;
    case BinaryOp::kMultiply:
      for (size_t i = 0; i < rows; ++i) {
        if (__builtin_mul_overflow(x[i], y[i], &r[i])) valid[i] = 0;
      }
      break;
    case BinaryOp::kModulo:
      for (size_t i = 0; i < rows; ++i) {
        if (y[i] == 0 || (y[i] == -1 && x[i] == std::numeric_limits<int64_t>::min())) {
          r[i] = 0;
          if (y[i] == 0) valid[i] = 0;
        } else {
          r[i] = x[i] % y[i];
        }
      }
      break;
    default: throw std::logic_error("not an integer operator");
  }
  for (size_t i = 0; i < rows; ++i) {
    if (!valid[i]) r[i] = 0;
  }
  return out;
}

template <typename T, typename Compare>
void compareValues(const std::vector<T>& x, const std::vector<T>& y, Column& out, Compare compare) {
  size_t rows = out.valid.size();
  out.bools.resize(rows);
  for (size_t i = 0; i < rows; ++i) out.bools[i] = compare(x[i], y[i]) ? 1 : 0;
}

template <typename T>
void compareAll(BinaryOp op, const std::vector<T>& x, const std::vector<T>& y, Column& out) {
  switch (op) {
    case BinaryOp::kEqual: compareValues(x, y, out, [](const T& a, const T& b) { return a == b; }); break;
    case BinaryOp::kNotEqual: compareValues(x, y, out, [](const T& a, const T& b) { return a != b; }); break;
    case BinaryOp::kLess: compareValues(x, y, out, [](const T& a, const T& b) { return a < b; }); break;
    case BinaryOp::kLessEqual: compareValues(x, y, out, [](const T& a, const T& b) { return a <= b; }); break;
    case BinaryOp::kGreater: compareValues(x, y, out, [](const T& a, const T& b) { return a > b; }); break;
    case BinaryOp::kGreaterEqual: compareValues(x, y, out, [](const T& a, const T& b) { return a >= b; }); break;
    default: throw std::logic_error("not a comparison");
  }
}

Column evaluateComparison(const Expr& expr, const Column& a, const Column& b) {
  Column out(DataType::boolean());
  combineValidity(a, b, out);
  size_t rows = a.size();
  switch (a.type.kind) {
    case TypeKind::kInt64:
    case TypeKind::kDecimal:
    case TypeKind::kTimestamp: compareAll(expr.binaryOp, a.int64s, b.int64s, out); break;
    case TypeKind::kDouble: compareAll(expr.binaryOp, a.doubles, b.doubles, out); break;
    case TypeKind::kBool: compareAll(expr.binaryOp, a.bools, b.bools, out); break;
    case TypeKind::kString: compareAll(expr.binaryOp, a.strings, b.strings, out); break;
    case TypeKind::kNull: out.bools.assign(rows, 0); break;
  }
  for (size_t i = 0; i < rows; ++i) out.bools[i] &= out.valid[i];
  return out;
}

Column evaluateLogic(const Expr& expr, const Column& a, const Column& b) {
  size_t rows = a.size();
  Column out(DataType::boolean());
  out.valid.resize(rows);
  out.bools.resize(rows);
  bool isAnd = expr.binaryOp == BinaryOp::kAnd;
  for (size_t i = 0; i < rows; ++i) {
    bool aKnown = a.valid[i], bKnown = b.valid[i];
    bool x = aKnown && a.bools[i], y = bKnown && b.bools[i];
    if (isAnd) {
      // false wins over null; true only when both are known true.
      bool definitelyFalse = (aKnown && !x) || (bKnown && !y);
      out.valid[i] = definitelyFalse || (aKnown && bKnown);
      out.bools[i] = !definitelyFalse && aKnown && bKnown;
    } else {
      bool definitelyTrue = x || y;
      out.valid[i] = definitelyTrue || (aKnown && bKnown);
      out.bools[i] = definitelyTrue;
    }
  }
  return out;
}

/// SQL LIKE on bytes, case-sensitive: % any run of characters, _ one character (a UTF-8 code
/// point), a backslash makes the next % _ or \ literal.
bool likeMatch(std::string_view text, std::string_view pattern) {
  size_t t = 0, p = 0;
  size_t starP = std::string_view::npos, starT = 0;
  auto codePointLength = [](unsigned char lead) -> size_t {
    if (lead < 0x80) return 1;
    if ((lead >> 5) == 0x6) return 2;
    if ((lead >> 4) == 0xE) return 3;
    if ((lead >> 3) == 0x1E) return 4;
    return 1;
  };
  while (t < text.size()) {
    if (p < pattern.size() && pattern[p] == '%') {
      starP = ++p;
      starT = t;
      continue;
    }
    if (p < pattern.size()) {
      if (pattern[p] == '_') {
        t += codePointLength(static_cast<unsigned char>(text[t]));
        ++p;
        continue;
      }
      size_t literal = p;
      if (pattern[p] == '\\' && p + 1 < pattern.size()) literal = p + 1;
      if (pattern[literal] == text[t]) {
        ++t;
        p = literal + 1;
        continue;
      }
    }
    if (starP == std::string_view::npos) return false;
    p = starP;
    starT += codePointLength(static_cast<unsigned char>(text[starT]));
    t = starT;
  }
  while (p < pattern.size() && pattern[p] == '%') ++p;
  return p == pattern.size();
}

std::string formatDouble(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "Infinity" : "-Infinity";
  char buffer[64];
  auto [end, error] = std::to_chars(buffer, buffer + sizeof buffer, value);
  return std::string(buffer, end);
}

/// Byte offsets of each code point start, and the end.
std::vector<size_t> codePointStarts(std::string_view text) {
  std::vector<size_t> starts;
  for (size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) starts.push_back(i);
  }
  starts.push_back(text.size());
  return starts;
}

int64_t codePointCount(std::string_view text) {
  int64_t count = 0;
  for (char c : text) count += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return count;
}

/// Spark's substr: 1-based; 0 acts as 1; a negative start counts from the end.
std::string substring(std::string_view text, int64_t start, int64_t length) {
  std::vector<size_t> starts = codePointStarts(text);
  int64_t count = static_cast<int64_t>(starts.size()) - 1;
  // In 128 bits: a start or length near the ends of int64 must not overflow.
  Int128 begin = start > 0 ? Int128(start) - 1 : start < 0 ? Int128(count) + start : 0;
  Int128 end = length < 0 ? begin : begin + length;
  begin = std::clamp<Int128>(begin, 0, count);
  end = std::clamp<Int128>(end, begin, count);
  return std::string(text.substr(starts[static_cast<size_t>(begin)], starts[static_cast<size_t>(end)] - starts[static_cast<size_t>(begin)]));
}

Column evaluateCast(const Column& in, const DataType& to);

Column evaluateFunction(const Expr& expr, std::vector<Column>& args, size_t rows) {
  Column out(expr.type.kind == TypeKind::kNull ? DataType::int64() : expr.type);
  switch (expr.function) {
    case Function::kLower:
    case Function::kUpper: {
      out = std::move(args[0]);
      bool upper = expr.function == Function::kUpper;
      for (std::string& value : out.strings) {
        for (char& c : value) {
          if (upper && c >= 'a' && c <= 'z') c = static_cast<char>(c - 32);
          if (!upper && c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
        }
      }
      return out;
    }
    case Function::kLength:
      out.valid = args[0].valid;
      out.int64s.resize(rows);
      for (size_t i = 0; i < rows; ++i) out.int64s[i] = out.valid[i] ? codePointCount(args[0].strings[i]) : 0;
      return out;
    case Function::kSubstr:
      out.valid = args[0].valid;
      out.strings.resize(rows);
      for (size_t i = 1; i < args.size(); ++i) {
        for (size_t row = 0; row < rows; ++row) out.valid[row] &= args[i].valid[row];
      }
      for (size_t row = 0; row < rows; ++row) {
        if (!out.valid[row]) continue;
        int64_t length = args.size() == 3 ? args[2].int64s[row] : std::numeric_limits<int64_t>::max();
        out.strings[row] = substring(args[0].strings[row], args[1].int64s[row], length);
      }
      return out;
    case Function::kConcat:
      out.valid.assign(rows, 1);
      out.strings.resize(rows);
      for (const Column& arg : args) {
        for (size_t row = 0; row < rows; ++row) out.valid[row] &= arg.valid[row];
      }
      for (size_t row = 0; row < rows; ++row) {
        if (!out.valid[row]) continue;
        for (const Column& arg : args) out.strings[row] += arg.strings[row];
      }
      return out;
    case Function::kCoalesce: {
      out = std::move(args[0]);
      for (size_t a = 1; a < args.size(); ++a) {
        const Column& next = args[a];
        for (size_t row = 0; row < rows; ++row) {
          if (out.valid[row] || !next.valid[row]) continue;
          out.valid[row] = 1;
          if (out.type.isStoredAsInt64()) out.int64s[row] = next.int64s[row];
          else if (out.type.kind == TypeKind::kDouble) out.doubles[row] = next.doubles[row];
          else if (out.type.kind == TypeKind::kBool) out.bools[row] = next.bools[row];
          else if (out.type.kind == TypeKind::kString) out.strings[row] = next.strings[row];
        }
      }
      return out;
    }
    case Function::kYear:
    case Function::kMonth:
    case Function::kDay:
    case Function::kHour:
    case Function::kMinute:
    case Function::kSecond:
    case Function::kDayOfWeek:
      out.valid = args[0].valid;
      out.int64s.resize(rows);
      for (size_t row = 0; row < rows; ++row) {
        if (!out.valid[row]) continue;
        CivilTime time = civilTime(args[0].int64s[row]);
        switch (expr.function) {
          case Function::kYear: out.int64s[row] = time.year; break;
          case Function::kMonth: out.int64s[row] = time.month; break;
          case Function::kDay: out.int64s[row] = time.day; break;
          case Function::kHour: out.int64s[row] = time.hour; break;
          case Function::kMinute: out.int64s[row] = time.minute; break;
          case Function::kSecond: out.int64s[row] = time.second; break;
          default: out.int64s[row] = time.dayOfWeek; break;
        }
      }
      return out;
    case Function::kAbs:
      out = std::move(args[0]);
      if (out.type.kind == TypeKind::kDouble) {
        for (double& value : out.doubles) value = std::fabs(value);
      } else if (out.type.isStoredAsInt64()) {
        for (size_t row = 0; row < rows; ++row) {
          if (out.int64s[row] == std::numeric_limits<int64_t>::min()) {
            out.valid[row] = 0;
            out.int64s[row] = 0;
          } else if (out.int64s[row] < 0) {
            out.int64s[row] = -out.int64s[row];
          }
        }
      }
      return out;
    case Function::kRound: {
      int64_t digits = args.size() == 2 ? (args[1].valid.empty() || !args[1].valid[0] ? 0 : args[1].int64s[0]) : 0;
      Column value = std::move(args[0]);
      out.valid = value.valid;
      if (value.type.kind == TypeKind::kDouble) {
        out.doubles.resize(rows);
        double factor = std::pow(10.0, static_cast<double>(digits));
        for (size_t row = 0; row < rows; ++row) {
          double x = value.doubles[row];
          out.doubles[row] = std::isfinite(x) ? std::round(x * factor) / factor : x;
        }
      } else if (value.type.kind == TypeKind::kDecimal) {
        // To `digits` places (the result's scale), half away from zero; negative digits round
        // to tens, hundreds, ... and keep scale 0.
        out.int64s.resize(rows);
        int drop = value.type.scale - out.type.scale;
        int64_t extra = digits < 0 ? -digits : 0;
        for (size_t row = 0; row < rows; ++row) {
          Int128 result = divideRounded(value.int64s[row], drop + static_cast<int>(extra));
          for (int64_t i = 0; i < extra; ++i) result *= 10;
          if (!fitsInt64(result)) {
            out.valid[row] = 0;
            result = 0;
          }
          out.int64s[row] = static_cast<int64_t>(result);
        }
      } else {
        out.int64s.resize(rows);
        for (size_t row = 0; row < rows; ++row) {
          Int128 result = value.int64s[row];
          if (digits < 0) {
            result = divideRounded(result, static_cast<int>(-digits));
            for (int64_t i = 0; i < -digits; ++i) result *= 10;
          }
          if (!fitsInt64(result)) {
            out.valid[row] = 0;
            result = 0;
          }
          out.int64s[row] = static_cast<int64_t>(result);
        }
      }
      return out;
    }
    case Function::kUnresolved: break;
  }
  throw std::logic_error("an unresolved function reached the evaluator");
}

bool parseInt64(std::string_view text, int64_t& out) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), out);
  return error == std::errc() && end == text.data() + text.size() && !text.empty();
}

/// Parses "-12.345" exactly into an unscaled value with `scale` digits (rounding half away from
/// zero beyond them).
bool parseDecimalText(std::string_view text, int scale, int64_t& out) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  bool negative = false;
  if (!text.empty() && (text.front() == '-' || text.front() == '+')) {
    negative = text.front() == '-';
    text.remove_prefix(1);
  }
  if (text.empty()) return false;
  Int128 value = 0;
  bool point = false;
  bool roundUp = false;
  bool dropped = false;
  int kept = 0;
  int digits = 0;
  for (char c : text) {
    if (c == '.') {
      if (point) return false;
      point = true;
      continue;
    }
    if (c < '0' || c > '9') return false;
    ++digits;
    if (!point || kept < scale) {
      value = value * 10 + (c - '0');
      if (point) ++kept;
      if (value > (Int128(1) << 100)) return false;
    } else if (!dropped) {
      // The first dropped digit decides: half away from zero.
      roundUp = c >= '5';
      dropped = true;
    }
  }
  if (digits == 0) return false;
  for (int i = kept; i < scale; ++i) value *= 10;
  if (roundUp) value += 1;
  if (negative) value = -value;
  if (!fitsInt64(value)) return false;
  out = static_cast<int64_t>(value);
  return true;
}

}  // namespace

bool castStringTo(std::string_view text, const DataType& to, int64_t& int64Out, double& doubleOut, bool& boolOut) {
  switch (to.kind) {
    case TypeKind::kInt64: return parseInt64(text, int64Out);
    case TypeKind::kDecimal: return parseDecimalText(text, to.scale, int64Out);
    case TypeKind::kDouble: {
      while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
      while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
      if (!text.empty() && text.front() == '+') text.remove_prefix(1);
      auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), doubleOut);
      return error == std::errc() && end == text.data() + text.size() && !text.empty();
    }
    case TypeKind::kBool:
      if (text == "true" || text == "TRUE" || text == "True") {
        boolOut = true;
        return true;
      }
      if (text == "false" || text == "FALSE" || text == "False") {
        boolOut = false;
        return true;
      }
      return false;
    case TypeKind::kTimestamp: {
      if (parseInt64(text, int64Out)) return true;
      std::optional<int64_t> instant = parseTimestamp(text);
      if (!instant) return false;
      int64Out = *instant;
      return true;
    }
    default: return false;
  }
}

namespace {

Column evaluateCast(const Column& in, const DataType& to) {
  size_t rows = in.size();
  if (in.type == to) return in;
  Column out(to);
  out.valid = in.valid;
  out.resize(rows);
  const TypeKind from = in.type.kind;
  auto invalid = [&](size_t row) { out.valid[row] = 0; };
  for (size_t row = 0; row < rows; ++row) {
    if (!out.valid[row]) continue;
    switch (to.kind) {
      case TypeKind::kString:
        switch (from) {
          case TypeKind::kInt64: out.strings[row] = std::to_string(in.int64s[row]); break;
          case TypeKind::kDecimal: out.strings[row] = formatDecimal(in.int64s[row], in.type.scale); break;
          case TypeKind::kTimestamp: out.strings[row] = formatTimestamp(in.int64s[row]); break;
          case TypeKind::kDouble: out.strings[row] = formatDouble(in.doubles[row]); break;
          case TypeKind::kBool: out.strings[row] = in.bools[row] ? "true" : "false"; break;
          default: invalid(row); break;
        }
        break;
      case TypeKind::kInt64:
      case TypeKind::kTimestamp:
        switch (from) {
          case TypeKind::kInt64:
          case TypeKind::kTimestamp: out.int64s[row] = in.int64s[row]; break;
          case TypeKind::kDecimal: {
            // Toward zero, as SQL's cast of a decimal to an integer.
            Int128 divisor = 1;
            for (int i = 0; i < in.type.scale; ++i) divisor *= 10;
            out.int64s[row] = static_cast<int64_t>(in.int64s[row] / divisor);
            break;
          }
          case TypeKind::kDouble: {
            double value = std::trunc(in.doubles[row]);
            if (!std::isfinite(value) || value < -9.2233720368547758e18 || value >= 9.2233720368547758e18) {
              invalid(row);
            } else {
              out.int64s[row] = static_cast<int64_t>(value);
            }
            break;
          }
          case TypeKind::kBool: out.int64s[row] = in.bools[row]; break;
          case TypeKind::kString: {
            double ignoredDouble;
            bool ignoredBool;
            if (!castStringTo(in.strings[row], to, out.int64s[row], ignoredDouble, ignoredBool)) invalid(row);
            break;
          }
          default: invalid(row); break;
        }
        break;
      case TypeKind::kDecimal:
        switch (from) {
          case TypeKind::kInt64:
            if (!rescale(in.int64s[row], 0, to.scale, out.int64s[row])) invalid(row);
            break;
          case TypeKind::kDecimal:
            if (!rescale(in.int64s[row], in.type.scale, to.scale, out.int64s[row])) invalid(row);
            break;
          case TypeKind::kDouble: {
            double scaled = std::round(in.doubles[row] * std::pow(10.0, to.scale));
            if (!std::isfinite(scaled) || std::fabs(scaled) >= 9.2233720368547758e18) {
              invalid(row);
            } else {
              out.int64s[row] = static_cast<int64_t>(scaled);
            }
            break;
          }
          case TypeKind::kBool: out.int64s[row] = in.bools[row] ? powerOfTen(to.scale) : 0; break;
          case TypeKind::kString: {
            double ignoredDouble;
            bool ignoredBool;
            if (!castStringTo(in.strings[row], to, out.int64s[row], ignoredDouble, ignoredBool)) invalid(row);
            break;
          }
          default: invalid(row); break;
        }
        break;
      case TypeKind::kDouble:
        switch (from) {
          case TypeKind::kInt64: out.doubles[row] = static_cast<double>(in.int64s[row]); break;
          case TypeKind::kDecimal:
            out.doubles[row] = static_cast<double>(in.int64s[row]) / static_cast<double>(powerOfTen(in.type.scale));
            break;
          case TypeKind::kBool: out.doubles[row] = in.bools[row]; break;
          case TypeKind::kString: {
            int64_t ignoredInt;
            bool ignoredBool;
            if (!castStringTo(in.strings[row], to, ignoredInt, out.doubles[row], ignoredBool)) invalid(row);
            break;
          }
          default: invalid(row); break;
        }
        break;
      case TypeKind::kBool:
        switch (from) {
          case TypeKind::kInt64:
          case TypeKind::kDecimal: out.bools[row] = in.int64s[row] != 0; break;
          case TypeKind::kDouble: out.bools[row] = in.doubles[row] != 0; break;
          case TypeKind::kString: {
            int64_t ignoredInt;
            double ignoredDouble;
            bool value = false;
            if (castStringTo(in.strings[row], to, ignoredInt, ignoredDouble, value)) {
              out.bools[row] = value;
            } else {
              invalid(row);
            }
            break;
          }
          default: invalid(row); break;
        }
        break;
      case TypeKind::kNull: break;
    }
  }
  // Keep the default value in null slots, as every column does.
  for (size_t row = 0; row < rows; ++row) {
    if (out.valid[row]) continue;
    if (to.isStoredAsInt64()) out.int64s[row] = 0;
    else if (to.kind == TypeKind::kDouble) out.doubles[row] = 0;
    else if (to.kind == TypeKind::kBool) out.bools[row] = 0;
    else if (to.kind == TypeKind::kString) out.strings[row].clear();
  }
  return out;
}

Column evaluateIn(const Expr& expr, const ColumnBatch& batch) {
  Column value = evaluate(*expr.children[0], batch);
  size_t rows = value.size();
  Column out(DataType::boolean());
  out.valid = value.valid;
  out.bools.assign(rows, 0);
  std::vector<uint8_t> sawNull(rows, 0);
  for (size_t i = 1; i < expr.children.size(); ++i) {
    Column candidate = evaluate(*expr.children[i], batch);
    Expr equal;
    equal.kind = ExprKind::kBinary;
    equal.binaryOp = BinaryOp::kEqual;
    Column matches = evaluateComparison(equal, value, candidate);
    for (size_t row = 0; row < rows; ++row) {
      out.bools[row] |= matches.bools[row];
      sawNull[row] |= !candidate.valid[row];
    }
  }
  for (size_t row = 0; row < rows; ++row) {
    // x in (1, null) is null unless x = 1: the null might have been equal.
    if (!out.bools[row] && sawNull[row]) out.valid[row] = 0;
    if (expr.negated && out.valid[row]) out.bools[row] = !out.bools[row];
    if (!out.valid[row]) out.bools[row] = 0;
  }
  return out;
}

}  // namespace

Column evaluate(const Expr& expr, const ColumnBatch& batch) {
  size_t rows = batch.numRows();
  switch (expr.kind) {
    case ExprKind::kLiteral: return literalColumn(expr, rows);
    case ExprKind::kColumn: return batch.column(expr.columnIndex);
    case ExprKind::kUnary: {
      Column operand = evaluate(*expr.children[0], batch);
      if (expr.unaryOp == UnaryOp::kNot) {
        for (size_t i = 0; i < rows; ++i) operand.bools[i] = operand.valid[i] && !operand.bools[i];
        return operand;
      }
      if (operand.type.kind == TypeKind::kDouble) {
        for (double& value : operand.doubles) value = -value;
      } else if (operand.type.isStoredAsInt64()) {
        for (size_t i = 0; i < rows; ++i) {
          if (operand.int64s[i] == std::numeric_limits<int64_t>::min()) {
            operand.valid[i] = 0;
            operand.int64s[i] = 0;
          } else {
            operand.int64s[i] = -operand.int64s[i];
          }
        }
      }
      return operand;
    }
    case ExprKind::kBinary: {
      Column a = evaluate(*expr.children[0], batch);
      Column b = evaluate(*expr.children[1], batch);
      switch (expr.binaryOp) {
        case BinaryOp::kAnd:
        case BinaryOp::kOr: return evaluateLogic(expr, a, b);
        case BinaryOp::kEqual:
        case BinaryOp::kNotEqual:
        case BinaryOp::kLess:
        case BinaryOp::kLessEqual:
        case BinaryOp::kGreater:
        case BinaryOp::kGreaterEqual: return evaluateComparison(expr, a, b);
        default: return evaluateArithmetic(expr, a, b);
      }
    }
    case ExprKind::kIsNull: {
      Column operand = evaluate(*expr.children[0], batch);
      Column out(DataType::boolean());
      out.valid.assign(rows, 1);
      out.bools.resize(rows);
      for (size_t i = 0; i < rows; ++i) out.bools[i] = (operand.valid[i] == 0) != expr.negated;
      return out;
    }
    case ExprKind::kLike: {
      Column text = evaluate(*expr.children[0], batch);
      Column pattern = evaluate(*expr.children[1], batch);
      Column out(DataType::boolean());
      combineValidity(text, pattern, out);
      out.bools.resize(rows);
      for (size_t i = 0; i < rows; ++i) {
        out.bools[i] = out.valid[i] && (likeMatch(text.strings[i], pattern.strings[i]) != expr.negated);
      }
      return out;
    }
    case ExprKind::kIn: return evaluateIn(expr, batch);
    case ExprKind::kFunction: {
      std::vector<Column> args;
      args.reserve(expr.children.size());
      for (const ExprPtr& child : expr.children) args.push_back(evaluate(*child, batch));
      return evaluateFunction(expr, args, rows);
    }
    case ExprKind::kCast: {
      Column in = evaluate(*expr.children[0], batch);
      if (in.type.kind == TypeKind::kNull || expr.children[0]->type.kind == TypeKind::kNull) {
        return nullColumn(expr.targetType, rows);
      }
      return evaluateCast(in, expr.targetType);
    }
    case ExprKind::kQuantity: break;  // the checker refuses units in jobs
  }
  throw std::logic_error("unknown expression kind");
}

std::vector<uint32_t> selectRows(const Expr& predicate, const ColumnBatch& batch) {
  Column result = evaluate(predicate, batch);
  std::vector<uint32_t> rows;
  rows.reserve(result.size());
  for (size_t i = 0; i < result.size(); ++i) {
    if (result.valid[i] && result.bools[i]) rows.push_back(static_cast<uint32_t>(i));
  }
  return rows;
}

Column takeRows(const Column& column, const std::vector<uint32_t>& rows) {
  Column out(column.type);
  out.valid.resize(rows.size());
  for (size_t i = 0; i < rows.size(); ++i) out.valid[i] = column.valid[rows[i]];
  switch (column.type.kind) {
    case TypeKind::kInt64:
    case TypeKind::kDecimal:
    case TypeKind::kTimestamp:
      out.int64s.resize(rows.size());
      for (size_t i = 0; i < rows.size(); ++i) out.int64s[i] = column.int64s[rows[i]];
      break;
    case TypeKind::kDouble:
      out.doubles.resize(rows.size());
      for (size_t i = 0; i < rows.size(); ++i) out.doubles[i] = column.doubles[rows[i]];
      break;
    case TypeKind::kBool:
      out.bools.resize(rows.size());
      for (size_t i = 0; i < rows.size(); ++i) out.bools[i] = column.bools[rows[i]];
      break;
    case TypeKind::kString:
      out.strings.reserve(rows.size());
      for (uint32_t row : rows) out.strings.push_back(column.strings[row]);
      break;
    case TypeKind::kNull: break;
  }
  return out;
}

ColumnBatch takeRows(const ColumnBatch& batch, const std::vector<uint32_t>& rows) {
  std::vector<Column> columns;
  columns.reserve(batch.numColumns());
  for (size_t c = 0; c < batch.numColumns(); ++c) columns.push_back(takeRows(batch.column(c), rows));
  return ColumnBatch(batch.schema(), std::move(columns));
}

}  // namespace jobtuner::core
