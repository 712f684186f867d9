// jobtuner_datagen: deterministic CSV data for the runtime benchmark and the example jobs.
//
//   jobtuner_datagen bench --out DIR [--rows 10000000] [--users 1000000] [--seed 42]
//       events.csv (user_id,ts,amount,category): user 0 holds 30% of the rows, the rest follow a
//       Zipf law over the users with ranks shuffled onto ids; users.csv (user_id,country,tier).
//       The shape of ../shared/peers/gen_data.py, so DuckDB and Polars read the same kind of data.
//   jobtuner_datagen shop --out DIR [--rows 200000] [--seed 42]
//       orders.csv, customers.csv, products.csv and clicks.csv for the example jobs in jobs/:
//       customer 42 places ~30% of the orders, product 7 sells in ~30% of them.
//   jobtuner_datagen skewed-aggregation|skewed-join|spilling-sort|memory-killed|tiny-partitions
//                    --out DIR [--rows N] [--seed 42]
//       the data of the advisor scenario of that name in jobs/ (see each job.yaml); --rows is its size.
//
// Same arguments, same bytes, on every machine (bench/deterministic_random.h).

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "deterministic_random.h"

namespace {

using jobtuner::bench::Random;

class CsvFile {
 public:
  CsvFile(const std::filesystem::path& path, const char* header) : file_(std::fopen(path.c_str(), "wb")) {
    if (!file_) {
      std::fprintf(stderr, "jobtuner_datagen: cannot create %s\n", path.c_str());
      std::exit(3);
    }
    buffer_ = header;
    buffer_ += '\n';
  }
  ~CsvFile() {
    flush();
    std::fclose(file_);
  }
  CsvFile& number(int64_t value) {
    char digits[24];
    auto [end, error] = std::to_chars(digits, digits + sizeof digits, value);
    buffer_.append(digits, end);
    return *this;
  }
  /// A value with two decimals from hundredths.
  CsvFile& cents(int64_t hundredths) {
    number(hundredths / 100);
    buffer_ += '.';
    int64_t rest = hundredths % 100;
    buffer_ += static_cast<char>('0' + rest / 10);
    buffer_ += static_cast<char>('0' + rest % 10);
    return *this;
  }
  CsvFile& text(const std::string& value) {
    buffer_ += value;
    return *this;
  }
  CsvFile& comma() {
    buffer_ += ',';
    return *this;
  }
  void endRow() {
    buffer_ += '\n';
    if (buffer_.size() > (1 << 22)) flush();
  }

 private:
  void flush() {
    std::fwrite(buffer_.data(), 1, buffer_.size(), file_);
    buffer_.clear();
  }
  std::FILE* file_;
  std::string buffer_;
};

/// Draws ranks 0..n-1 with P(k) proportional to 1/(k+1)^s, by binary search in the cumulative weights.
class Zipf {
 public:
  Zipf(size_t n, double s) : cumulative_(n) {
    double total = 0;
    for (size_t k = 0; k < n; ++k) cumulative_[k] = total += 1.0 / std::pow(static_cast<double>(k + 1), s);
  }
  size_t draw(Random& random) const {
    double target = random.uniform() * cumulative_.back();
    return static_cast<size_t>(std::lower_bound(cumulative_.begin(), cumulative_.end(), target) - cumulative_.begin());
  }

 private:
  std::vector<double> cumulative_;
};

std::vector<int64_t> shuffledIds(size_t n, Random& random) {
  std::vector<int64_t> ids(n);
  for (size_t i = 0; i < n; ++i) ids[i] = static_cast<int64_t>(i);
  for (size_t i = n; i > 1; --i) std::swap(ids[i - 1], ids[static_cast<size_t>(random.next() % i)]);
  return ids;
}

const std::vector<std::string> kCountries = {"US", "DE", "FR", "GB", "IN", "BR", "JP", "CN", "CA", "AU", "ES", "IT", "NL",
                                             "SE", "PL", "MX", "KR", "ZA", "AR", "NG", "TR", "ID", "EG", "CH", "NO"};
const std::vector<std::string> kTiers = {"free", "basic", "pro", "enterprise"};

void bench(const std::filesystem::path& out, int64_t rows, int64_t users, uint64_t seed) {
  Random random(seed);
  Zipf zipf(static_cast<size_t>(users), 1.1);
  std::vector<int64_t> ids = shuffledIds(static_cast<size_t>(users), random);
  Zipf categories(20, 0.5);
  std::vector<std::string> categoryNames;
  for (int i = 0; i < 20; ++i) categoryNames.push_back((i < 10 ? "cat_0" : "cat_") + std::to_string(i));
  CsvFile events(out / "events.csv", "user_id,ts,amount,category");
  int64_t ts = 1'700'000'000'000;
  for (int64_t i = 0; i < rows; ++i) {
    int64_t user = random.chance(0.30) ? 0 : ids[zipf.draw(random)];
    ts += 1 + static_cast<int64_t>(random.uniform() * 20);
    double amount = std::min(2000.0, 0.01 - 80.0 * std::log(std::max(random.uniform(), 1e-12)));
    events.number(user).comma().number(ts).comma().cents(static_cast<int64_t>(std::llround(amount * 100))).comma();
    events.text(categoryNames[categories.draw(random)]).endRow();
  }
  CsvFile usersFile(out / "users.csv", "user_id,country,tier");
  Zipf country(kCountries.size(), 1.0);
  for (int64_t user = 0; user < users; ++user) {
    double tier = random.uniform();
    usersFile.number(user).comma().text(kCountries[country.draw(random)]).comma();
    usersFile.text(kTiers[tier < 0.6 ? 0 : tier < 0.85 ? 1 : tier < 0.95 ? 2 : 3]).endRow();
  }
}

void shop(const std::filesystem::path& out, int64_t rows, uint64_t seed) {
  Random random(seed);
  const int64_t customers = std::max<int64_t>(100, rows / 50);
  const int64_t products = 500;
  const std::vector<std::string> categories = {"books", "games", "garden", "kitchen", "music", "office", "sports", "toys"};
  const std::vector<std::string> statuses = {"complete", "complete", "complete", "complete", "returned", "cancelled"};
  {
    CsvFile file(out / "customers.csv", "customer_id,name,country,tier");
    Zipf country(kCountries.size(), 1.0);
    for (int64_t c = 0; c < customers; ++c) {
      file.number(c).comma().text("Customer " + std::to_string(c)).comma().text(kCountries[country.draw(random)]).comma();
      file.text(kTiers[random.next() % kTiers.size()]).endRow();
    }
  }
  {
    // Products 0..n-1 except every 50th: some orders find no product (a left join keeps them).
    CsvFile file(out / "products.csv", "product_id,category,price");
    for (int64_t p = 0; p < products; ++p) {
      if (p % 50 == 49) continue;
      file.number(p).comma().text(categories[random.next() % categories.size()]).comma();
      file.cents(100 + static_cast<int64_t>(random.next() % 20000)).endRow();
    }
  }
  {
    CsvFile file(out / "orders.csv", "order_id,customer_id,product_id,quantity,amount,status,ts");
    Zipf customer(static_cast<size_t>(customers), 0.8);
    int64_t ts = 1'767'225'600'000;  // 2026-01-01
    for (int64_t o = 0; o < rows; ++o) {
      int64_t c = random.chance(0.30) ? 42 : static_cast<int64_t>(customer.draw(random));
      int64_t p = random.chance(0.30) ? 7 : static_cast<int64_t>(random.next() % products);
      ts += static_cast<int64_t>(random.uniform() * 60'000);
      file.number(o).comma().number(c).comma().number(p).comma().number(1 + static_cast<int64_t>(random.next() % 5)).comma();
      if (random.chance(0.01)) {
        file.comma();  // a missing amount: null
      } else {
        file.cents(50 + static_cast<int64_t>(random.next() % 50000)).comma();
      }
      file.text(statuses[random.next() % statuses.size()]).comma().number(ts).endRow();
    }
  }
  {
    CsvFile file(out / "clicks.csv", "user_id,ts,page");
    const std::vector<std::string> pages = {"/", "/search", "/product", "/cart", "/checkout", "/help", "/account"};
    int64_t ts = 1'767'225'600'000;
    Zipf user(static_cast<size_t>(customers), 0.9);
    for (int64_t i = 0; i < rows; ++i) {
      ts += static_cast<int64_t>(random.uniform() * 5'000);
      file.number(static_cast<int64_t>(user.draw(random))).comma().number(ts).comma();
      file.text(pages[random.next() % pages.size()]).endRow();
    }
  }
}

/// Writes `rows` rows into `parts` part files under `folder`, calling `row(file, i)` for row i: a
/// folder of several files gives a job several map tasks whatever max_partition_bytes says.
template <typename WriteRow>
void partFiles(const std::filesystem::path& folder, const char* header, int64_t rows, int parts, WriteRow row) {
  std::filesystem::create_directories(folder);
  for (int part = 0; part < parts; ++part) {
    char name[32];
    std::snprintf(name, sizeof name, "part-%05d.csv", part);
    CsvFile file(folder / name, header);
    for (int64_t i = rows * part / parts; i < rows * (part + 1) / parts; ++i) row(file, i);
  }
}

/// A hex string of `digits` digits from a random draw: identifiers that cost what real ones cost.
std::string hexId(const char* prefix, uint64_t value, int digits) {
  static const char kHex[] = "0123456789abcdef";
  std::string id = prefix;
  for (int d = digits - 1; d >= 0; --d) id += kHex[(value >> (4 * d)) & 15];
  return id;
}

// skewed-aggregation: views/ (video_id,viewer_id,watch_ms): video 7 went viral and holds 60% of
// the views, nearly all by different viewers; the other videos follow a Zipf law.
void skewedAggregation(const std::filesystem::path& out, int64_t rows, uint64_t seed) {
  Random random(seed);
  const int64_t videos = std::max<int64_t>(1000, rows / 100);
  Zipf video(static_cast<size_t>(videos), 1.0);
  std::vector<int64_t> ids = shuffledIds(static_cast<size_t>(videos), random);
  partFiles(out / "views", "video_id,viewer_id,watch_ms", rows, 8, [&](CsvFile& file, int64_t) {
    bool viral = random.chance(0.6);
    int64_t v = viral ? 7 : 1000 + ids[video.draw(random)];
    int64_t viewer = static_cast<int64_t>(random.next() % static_cast<uint64_t>(viral ? rows * 4 : 50'000));
    file.number(v).comma().number(viewer).comma().number(static_cast<int64_t>(random.next() % 600'000)).endRow();
  });
}

// skewed-join: clicks/ (user_id,page_id,ms) with user 42 behind half of the clicks (a crawler),
// and users.csv (user_id,name,country,segment), one row per user, too big to broadcast.
void skewedJoin(const std::filesystem::path& out, int64_t rows, uint64_t seed) {
  Random random(seed);
  const int64_t users = std::max<int64_t>(1000, rows / 8);
  Zipf user(static_cast<size_t>(users), 0.9);
  std::vector<int64_t> ids = shuffledIds(static_cast<size_t>(users), random);
  partFiles(out / "clicks", "user_id,page_id,ms", rows, 8, [&](CsvFile& file, int64_t) {
    int64_t u = random.chance(0.5) ? 42 : ids[user.draw(random)];
    file.number(u).comma().number(static_cast<int64_t>(random.next() % 1'000'000)).comma();
    file.number(static_cast<int64_t>(random.next() % 60'000)).endRow();
  });
  Zipf country(kCountries.size(), 1.0);
  CsvFile file(out / "users.csv", "user_id,name,country,segment");
  for (int64_t u = 0; u < users; ++u) {
    file.number(u).comma().text(hexId("user-", random.next(), 16)).comma().text(kCountries[country.draw(random)]).comma();
    file.text(kTiers[random.next() % kTiers.size()]).endRow();
  }
}

// spilling-sort: payments/ (account_id,merchant_id,day,cents): many accounts and merchants, so an
// aggregation per (account, merchant) keeps millions of groups and its sort millions of rows.
void spillingSort(const std::filesystem::path& out, int64_t rows, uint64_t seed) {
  Random random(seed);
  const auto accounts = static_cast<uint64_t>(std::max<int64_t>(1000, rows / 4));
  partFiles(out / "payments", "account_id,merchant_id,day,cents", rows, 8, [&](CsvFile& file, int64_t) {
    file.number(static_cast<int64_t>(random.next() % accounts)).comma().number(static_cast<int64_t>(random.next() % 64)).comma();
    file.number(static_cast<int64_t>(random.next() % 365)).comma().number(100 + static_cast<int64_t>(random.next() % 100'000)).endRow();
  });
}

// memory-killed: logins/ (app_id,device_id,ms): app 1 holds 60% of the logins, nearly each from
// its own device (a 68-character fingerprint), so its distinct-device set is large and held in
// memory whole; the other apps see a few hundred devices each.
void memoryKilled(const std::filesystem::path& out, int64_t rows, uint64_t seed) {
  Random random(seed);
  Zipf app(2000, 1.0);
  partFiles(out / "logins", "app_id,device_id,ms", rows, 8, [&](CsvFile& file, int64_t) {
    bool hot = random.chance(0.6);
    file.number(hot ? 1 : 2 + static_cast<int64_t>(app.draw(random))).comma();
    std::string device = hexId("dev-", hot ? random.next() : random.next() % 500, 16);
    for (int word = 0; word < 3; ++word) device += hexId("", hot ? random.next() : 0, 16);
    file.text(device).comma().number(static_cast<int64_t>(random.next() % 10'000)).endRow();
  });
}

// tiny-partitions: sales.csv (store_id,product_id,units,cents) and products.csv (product_id,
// category): a small job whose cost is its number of tasks, not its data.
void tinyPartitions(const std::filesystem::path& out, int64_t rows, uint64_t seed) {
  Random random(seed);
  const int64_t products = 2000;
  const std::vector<std::string> categories = {"books", "games", "garden", "kitchen", "music", "office", "sports", "toys"};
  {
    CsvFile file(out / "products.csv", "product_id,category");
    for (int64_t p = 0; p < products; ++p) file.number(p).comma().text(categories[random.next() % categories.size()]).endRow();
  }
  CsvFile file(out / "sales.csv", "store_id,product_id,units,cents");
  for (int64_t i = 0; i < rows; ++i) {
    file.number(static_cast<int64_t>(random.next() % 5000)).comma().number(static_cast<int64_t>(random.next() % products)).comma();
    file.number(1 + static_cast<int64_t>(random.next() % 9)).comma().number(50 + static_cast<int64_t>(random.next() % 20'000)).endRow();
  }
}

[[noreturn]] void usage() {
  std::fprintf(stderr,
               "usage: jobtuner_datagen bench|shop --out DIR [--rows N] [--users N] [--seed N]\n"
               "  bench: events.csv (10M rows by default) and users.csv (1M users) for bench/runtime\n"
               "  shop:  orders, customers, products, clicks (200k rows by default) for jobs/\n"
               "  skewed-aggregation, skewed-join, spilling-sort (8M rows), memory-killed (2.5M),\n"
               "  tiny-partitions (500k): the advisor scenarios' data for jobs/<name>/\n");
  std::exit(2);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) usage();
  std::string dataset = argv[1];
  std::filesystem::path out;
  int64_t rows = -1, users = 1'000'000;
  uint64_t seed = 42;
  for (int i = 2; i < argc; ++i) {
    std::string flag = argv[i];
    if (i + 1 >= argc) usage();
    std::string value = argv[++i];
    try {
      if (flag == "--out") out = value;
      else if (flag == "--rows") rows = std::stoll(value);
      else if (flag == "--users") users = std::stoll(value);
      else if (flag == "--seed") seed = std::stoull(value);
      else usage();
    } catch (const std::exception&) {
      usage();
    }
  }
  if (out.empty() || rows == 0 || users <= 0) usage();
  std::filesystem::create_directories(out);
  if (dataset == "bench") {
    bench(out, rows < 0 ? 10'000'000 : rows, users, seed);
  } else if (dataset == "shop") {
    shop(out, rows < 0 ? 200'000 : rows, seed);
  } else if (dataset == "skewed-aggregation") {
    skewedAggregation(out, rows < 0 ? 8'000'000 : rows, seed);
  } else if (dataset == "skewed-join") {
    skewedJoin(out, rows < 0 ? 8'000'000 : rows, seed);
  } else if (dataset == "spilling-sort") {
    spillingSort(out, rows < 0 ? 8'000'000 : rows, seed);
  } else if (dataset == "memory-killed") {
    memoryKilled(out, rows < 0 ? 2'500'000 : rows, seed);
  } else if (dataset == "tiny-partitions") {
    tinyPartitions(out, rows < 0 ? 500'000 : rows, seed);
  } else {
    usage();
  }
  return 0;
}
