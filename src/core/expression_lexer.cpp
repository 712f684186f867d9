#include "core/expression_lexer.h"

#include <fmt/format.h>

#include <cctype>

namespace jobtuner::core {

namespace {

bool isIdentifierStart(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool isIdentifierPart(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }
bool isDigit(char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }

}  // namespace

bool Token::isKeyword(std::string_view keyword) const {
  if (kind != TokenKind::kIdentifier || quoted || text.size() != keyword.size()) return false;
  for (size_t i = 0; i < text.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(text[i])) != keyword[i]) return false;
  }
  return true;
}

SourceLocation expressionLocation(const SourceLocation& start, size_t offset) {
  SourceLocation location = start;
  if (location.column > 0) location.column += static_cast<int64_t>(offset);
  return location;
}

std::vector<Token> tokenizeExpression(std::string_view text, const SourceLocation& start,
                                      ExpressionDialect dialect) {
  std::vector<Token> tokens;
  size_t position = 0;
  auto fail = [&](size_t offset, const std::string& message, std::string hint = {}) {
    throw UserError(expressionLocation(start, offset), message, std::move(hint));
  };
  while (position < text.size()) {
    char c = text[position];
    if (std::isspace(static_cast<unsigned char>(c))) {
      ++position;
      continue;
    }
    Token token;
    token.offset = position;
    size_t begin = position;
    if (isDigit(c) || (c == '.' && position + 1 < text.size() && isDigit(text[position + 1]))) {
      token.kind = TokenKind::kInteger;
      while (position < text.size() && isDigit(text[position])) ++position;
      if (position < text.size() && text[position] == '.') {
        token.kind = TokenKind::kDecimal;
        ++position;
        while (position < text.size() && isDigit(text[position])) ++position;
      }
      if (position < text.size() && (text[position] == 'e' || text[position] == 'E')) {
        size_t exponent = position + 1;
        if (exponent < text.size() && (text[exponent] == '+' || text[exponent] == '-')) ++exponent;
        if (exponent < text.size() && isDigit(text[exponent])) {
          token.kind = TokenKind::kDouble;
          position = exponent;
          while (position < text.size() && isDigit(text[position])) ++position;
        }
      }
      bool unitFollows = position < text.size() && (isIdentifierStart(text[position]) || text[position] == '%');
      if (unitFollows && dialect == ExpressionDialect::kRule) {
        // A unit is written against its number (10s, 256MB, 5%); the parser checks the unit.
        size_t unitBegin = position;
        if (text[position] == '%') {
          ++position;
        } else {
          while (position < text.size() && isIdentifierPart(text[position])) ++position;
        }
        token.kind = TokenKind::kQuantity;
        token.text = text.substr(begin, position - begin);
        token.value = std::string(text.substr(unitBegin, position - unitBegin));
        tokens.push_back(std::move(token));
        continue;
      }
      if (unitFollows && text[position] != '%') {
        // "10s" or "2g": units belong to rule files, and a name cannot start with a digit.
        fail(begin, fmt::format("a number cannot be followed by letters: '{}'",
                                text.substr(begin, position + 1 - begin)));
      }
      token.text = text.substr(begin, position - begin);
      token.value = std::string(token.text);
    } else if (c == '\'' || c == '`') {
      // Strings double their quote to hold one ('it''s'); so do backquoted names.
      char quote = c;
      ++position;
      for (;;) {
        if (position >= text.size()) {
          fail(begin, quote == '\'' ? "unterminated string literal" : "unterminated backquoted name",
               fmt::format("add the closing {}", quote));
        }
        if (text[position] == quote) {
          if (position + 1 < text.size() && text[position + 1] == quote) {
            token.value += quote;
            position += 2;
            continue;
          }
          ++position;
          break;
        }
        token.value += text[position++];
      }
      token.kind = quote == '\'' ? TokenKind::kString : TokenKind::kIdentifier;
      token.quoted = quote == '`';
      token.text = text.substr(begin, position - begin);
      if (token.quoted && token.value.empty()) fail(begin, "empty backquoted name");
    } else if (isIdentifierStart(c)) {
      while (position < text.size() && isIdentifierPart(text[position])) ++position;
      token.kind = TokenKind::kIdentifier;
      token.text = text.substr(begin, position - begin);
      token.value = std::string(token.text);
    } else {
      static constexpr std::string_view kTwoCharacter[] = {"==", "!=", "<>", "<=", ">="};
      token.kind = TokenKind::kOperator;
      std::string_view two = text.substr(position, 2);
      bool matched = false;
      for (std::string_view op : kTwoCharacter) {
        if (two == op) matched = true;
      }
      if (matched) {
        position += 2;
      } else if (std::string_view("+-*/%(),=<>").find(c) != std::string_view::npos) {
        position += 1;
      } else if (c == '"') {
        fail(begin, "strings are written in single quotes", "use 'text', and `name` for a column name with spaces");
      } else if (c == '!') {
        fail(begin, "unexpected character '!'", "write 'not' for negation and '!=' for inequality");
      } else {
        fail(begin, fmt::format("unexpected character '{}'", c));
      }
      token.text = text.substr(begin, position - begin);
      token.value = std::string(token.text);
    }
    tokens.push_back(std::move(token));
  }
  Token end;
  end.kind = TokenKind::kEnd;
  end.offset = text.size();
  tokens.push_back(std::move(end));
  return tokens;
}

}  // namespace jobtuner::core
