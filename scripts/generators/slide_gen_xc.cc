// slide-gen-xc: synthetic Extreme Classification data with the shape and statistics of the real
// data sets (Amazon-670K, Delicious-200K, WikiLSHTC-325K), for benchmarks at scale where the real
// files cannot be downloaded. Writes the train and test files in the XC repository format.
//
// Model of the data (documented in docs/DATA.md next to the real sets' statistics):
// - Label popularity follows a Zipf law p(rank r) ~ (r + r0)^-alpha; label ids are a random
//   permutation of ranks, so ids carry no popularity information.
// - Labels live in clusters of `cluster` consecutive ids; an example draws its first label from the
//   Zipf law and each further label from the same cluster with probability `coherence`, otherwise
//   from the Zipf law again. Label counts per example: 1 + Poisson(mean - 1).
// - Each label has `signature` features (its topic), drawn once from a Zipf law over features.
//   An example takes, for each of its labels, each signature feature with a probability chosen so
//   that signatures make 60% of a row, then adds background features from the feature Zipf law;
//   values are tf-idf-like (1 + log count times a random idf), the row is L2-normalised.
// The task is learnable (features reveal labels) but noisy, like the real sets.

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <functional>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

struct Preset {
  const char* name;
  std::uint32_t features, labels, train, test;
  double labels_per_point, nnz_per_point, label_alpha, feature_alpha;
};

// Shapes from the Extreme Classification Repository's table.
constexpr Preset kPresets[] = {
    {"amazon670k", 135909, 670091, 490449, 153025, 5.45, 75.7, 0.80, 1.05},
    {"delicious200k", 782585, 205443, 196606, 100095, 75.54, 301.2, 0.55, 1.05},
    {"wikilshtc325k", 1617899, 325056, 1778351, 587084, 3.19, 42.1, 0.95, 1.05},
};

// Share of a row's features that come from its labels' signatures; the rest is background.
constexpr double kSignatureShare = 0.6;

struct Options {
  Preset preset = kPresets[0];
  std::string train_path, test_path;
  std::uint64_t seed = 1;
  std::uint32_t cluster = 64, signature = 16;
  double coherence = 0.7;
  double scale = 1.0;  // fraction of train/test rows to write
};

[[noreturn]] void usage(const std::string& message) {
  std::fprintf(stderr,
               "slide-gen-xc: %s\n"
               "Usage: slide-gen-xc --preset amazon670k|delicious200k|wikilshtc325k "
               "--train FILE --test FILE [--labels N] [--train-rows N] [--test-rows N] "
               "[--scale X] [--seed N]\n",
               message.c_str());
  std::exit(64);
}

// Inverse-CDF sampler over a Zipf law on n ranks.
class ZipfSampler {
 public:
  ZipfSampler(std::uint32_t n, double alpha, double offset) : cdf_(n) {
    double sum = 0;
    for (std::uint32_t r = 0; r < n; ++r) cdf_[r] = sum += std::pow(r + 1 + offset, -alpha);
    for (double& c : cdf_) c /= sum;
  }
  template <class Rng>
  std::uint32_t operator()(Rng& rng) const {
    const double u = std::uniform_real_distribution<double>(0, 1)(rng);
    return std::uint32_t(std::lower_bound(cdf_.begin(), cdf_.end() - 1, u) - cdf_.begin());
  }

 private:
  std::vector<double> cdf_;
};

class Generator {
 public:
  explicit Generator(const Options& o)
      : o_(o),
        label_zipf_(o.preset.labels, o.preset.label_alpha, 10.0),
        feature_zipf_(o.preset.features, o.preset.feature_alpha, 50.0),
        rng_(o.seed) {
    const auto& p = o.preset;
    // Each label keeps enough of its signature that signatures make kSignatureShare of a row.
    keep_ = std::min(1.0, kSignatureShare * p.nnz_per_point / (p.labels_per_point * o.signature));
    label_of_rank_.resize(p.labels);
    for (std::uint32_t i = 0; i < p.labels; ++i) label_of_rank_[i] = i;
    std::shuffle(label_of_rank_.begin(), label_of_rank_.end(), rng_);
    feature_of_rank_.resize(p.features);
    for (std::uint32_t i = 0; i < p.features; ++i) feature_of_rank_[i] = i;
    std::shuffle(feature_of_rank_.begin(), feature_of_rank_.end(), rng_);
    // Signatures mostly use mid- and low-frequency features: the head of the feature law is
    // background (stop-word-like) and carries little label information.
    signatures_.resize(std::size_t(p.labels) * o.signature);
    std::uniform_int_distribution<std::uint32_t> any_feature(0, p.features - 1);
    for (auto& f : signatures_) f = any_feature(rng_);
    idf_.resize(p.features);
    std::uniform_real_distribution<float> idf(1.0f, 6.0f);
    for (auto& v : idf_) v = idf(rng_);
  }

  // Writes `rows` rows; returns nothing, accumulates statistics.
  void write(const std::string& path, std::uint32_t rows, bool count_labels) {
    if (count_labels) label_count_.assign(o_.preset.labels, 0);
    // A name ending in .zst is compressed on the fly by the zstd command.
    const bool zst = path.size() > 4 && path.compare(path.size() - 4, 4, ".zst") == 0;
    std::FILE* out = path == "-" ? stdout
                     : zst       ? popen(("zstd -q -f -T0 -o '" + path + "'").c_str(), "w")
                                 : std::fopen(path.c_str(), "wb");
    if (!out) usage("cannot create " + path);
    std::fprintf(out, "%u %u %u\n", rows, o_.preset.features, o_.preset.labels);
    std::vector<std::uint32_t> labels, features;
    std::vector<std::pair<std::uint32_t, float>> row;
    std::string line;
    std::poisson_distribution<int> extra_labels(std::max(0.0, o_.preset.labels_per_point - 1));
    std::uniform_real_distribution<double> unit(0, 1);
    char buffer[32];
    for (std::uint32_t r = 0; r < rows; ++r) {
      labels.clear();
      const int n_labels = 1 + extra_labels(rng_);
      const std::uint32_t first = label_of_rank_[label_zipf_(rng_)];
      labels.push_back(first);
      for (int i = 1; i < n_labels; ++i) {
        std::uint32_t l;
        if (unit(rng_) < o_.coherence) {
          const std::uint32_t base = first / o_.cluster * o_.cluster;
          l = std::min(o_.preset.labels - 1, base + std::uint32_t(unit(rng_) * o_.cluster));
        } else {
          l = label_of_rank_[label_zipf_(rng_)];
        }
        labels.push_back(l);
      }
      std::sort(labels.begin(), labels.end());
      labels.erase(std::unique(labels.begin(), labels.end()), labels.end());

      features.clear();
      for (std::uint32_t l : labels) {
        const std::uint32_t* sig = &signatures_[std::size_t(l) * o_.signature];
        for (std::uint32_t s = 0; s < o_.signature; ++s) {
          if (unit(rng_) < keep_) features.push_back(sig[s]);
        }
      }
      const double background =
          (1 - kSignatureShare) * o_.preset.nnz_per_point * (0.5 + unit(rng_));
      for (int i = 0; i < int(background); ++i) {
        features.push_back(feature_of_rank_[feature_zipf_(rng_)]);
      }
      std::sort(features.begin(), features.end());
      row.clear();
      double norm = 0;
      for (std::size_t i = 0; i < features.size();) {
        std::size_t j = i;
        while (j < features.size() && features[j] == features[i]) ++j;
        const float value = float((1 + std::log(double(j - i))) * idf_[features[i]]);
        row.emplace_back(features[i], value);
        norm += double(value) * value;
        i = j;
      }
      const float inv = float(1 / std::sqrt(norm));

      line.clear();
      for (std::size_t i = 0; i < labels.size(); ++i) {
        if (i) line += ',';
        line.append(buffer, std::to_chars(buffer, buffer + 32, labels[i]).ptr);
      }
      for (const auto& [f, v] : row) {
        line += ' ';
        line.append(buffer, std::to_chars(buffer, buffer + 32, f).ptr);
        line += ':';
        line.append(buffer,
                    std::to_chars(buffer, buffer + 32, v * inv, std::chars_format::general, 5).ptr);
      }
      line += '\n';
      std::fwrite(line.data(), 1, line.size(), out);

      if (count_labels) {
        for (std::uint32_t l : labels) ++label_count_[l];
      }
      labels_written_ += labels.size();
      nnz_written_ += row.size();
      rows_written_ += 1;
    }
    if (std::fflush(out) != 0 || std::ferror(out)) usage("write error on " + path);
    if (zst ? pclose(out) != 0 : out != stdout && std::fclose(out) != 0) {
      usage("write error on " + path);
    }
  }

  // Statistics in the terms of the XC repository's table, for the training file.
  void print_statistics() const {
    std::vector<std::uint32_t> counts(label_count_);
    std::sort(counts.begin(), counts.end(), std::greater<>());
    std::uint64_t used = 0, total = 0;
    for (std::uint32_t c : counts) used += c > 0, total += c;
    auto at = [&](double q) { return counts[std::size_t(q * (counts.size() - 1))]; };
    std::fprintf(stderr,
                 "slide-gen-xc: all rows: %llu, %.2f labels/row, %.1f features/row\n"
                 "slide-gen-xc: train labels: %llu of %zu used, %.2f points/label (used), "
                 "most frequent %u, quantiles 1%% %u, 10%% %u, 50%% %u of labels by count\n",
                 (unsigned long long)rows_written_, double(labels_written_) / rows_written_,
                 double(nnz_written_) / rows_written_, (unsigned long long)used, counts.size(),
                 double(total) / std::max<std::uint64_t>(used, 1), counts[0], at(0.01), at(0.1),
                 at(0.5));
  }

 private:
  Options o_;
  ZipfSampler label_zipf_, feature_zipf_;
  std::mt19937_64 rng_;
  std::vector<std::uint32_t> label_of_rank_, feature_of_rank_, signatures_;
  std::vector<float> idf_;
  double keep_;
  std::vector<std::uint32_t> label_count_;
  std::uint64_t labels_written_ = 0, nnz_written_ = 0, rows_written_ = 0;
};

std::uint64_t parse_number(const char* text, const char* option) {
  std::uint64_t value = 0;
  const char* end = text + std::strlen(text);
  auto [ptr, ec] = std::from_chars(text, end, value);
  if (ec != std::errc() || ptr != end) usage(std::string(option) + " expects a whole number");
  return value;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  std::int64_t train_rows = -1, test_rows = -1, labels = -1;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&]() -> const char* {
      if (i + 1 >= argc) usage(arg + " needs a value");
      return argv[++i];
    };
    if (arg == "--preset") {
      const std::string name = value();
      const Preset* found = nullptr;
      for (const auto& p : kPresets)
        if (name == p.name) found = &p;
      if (!found) usage("unknown preset " + name);
      o.preset = *found;
    } else if (arg == "--train")
      o.train_path = value();
    else if (arg == "--test")
      o.test_path = value();
    else if (arg == "--seed")
      o.seed = parse_number(value(), "--seed");
    else if (arg == "--labels")
      labels = std::int64_t(parse_number(value(), "--labels"));
    else if (arg == "--train-rows")
      train_rows = std::int64_t(parse_number(value(), "--train-rows"));
    else if (arg == "--test-rows")
      test_rows = std::int64_t(parse_number(value(), "--test-rows"));
    else if (arg == "--scale")
      o.scale = std::atof(value());
    else if (arg == "--help" || arg == "-h")
      usage("synthetic XC data");
    else
      usage("unknown option " + arg);
  }
  if (o.train_path.empty() || o.test_path.empty()) usage("--train and --test are required");
  if (labels > 0) {
    // Scaling runs keep the points per label of the preset.
    const double ratio = double(labels) / o.preset.labels;
    o.preset.labels = std::uint32_t(labels);
    if (train_rows < 0) train_rows = std::int64_t(o.preset.train * ratio);
    if (test_rows < 0) test_rows = std::int64_t(o.preset.test * ratio);
  }
  if (train_rows >= 0) o.preset.train = std::uint32_t(train_rows);
  if (test_rows >= 0) o.preset.test = std::uint32_t(test_rows);
  o.preset.train = std::uint32_t(o.preset.train * o.scale);
  o.preset.test = std::uint32_t(o.preset.test * o.scale);
  Generator generator(o);
  generator.write(o.train_path, o.preset.train, true);
  generator.write(o.test_path, o.preset.test, false);
  generator.print_statistics();
  return 0;
}
