#pragma once

// The CONFIG section of a model file: the structural options (VW's .keep() idea: dim, K, L, hash
// family, ...) stored as UTF-8 "key=value" lines, so that loading a model needs no training flags.
//
// Text form: one "key=value" per line, keys sorted (the same content always gives the same bytes),
// '\n' line ends. Keys are [A-Za-z0-9_.-]+; values are any UTF-8 text without '\n', '\r' or NUL and
// are stored verbatim (no trimming). On parse, blank lines and lines starting with '#' are skipped.
// Typed accessors convert on get: int64 is decimal, double is the shortest text that reads back to
// the same value, bool is "true"/"false".

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace slide::model {

class ModelConfig {
 public:
  ModelConfig() = default;

  // Parses the text form. `source` names the file in errors. Throws FormatError (no '=', bad key,
  // duplicate key, a control character).
  static ModelConfig parse(std::string_view text, const std::string& source);
  std::string to_text() const;

  // Setting a key that exists replaces its value. Throws UsageError for an invalid key or value
  // (a programming error, not bad input).
  void set_string(const std::string& key, const std::string& value);
  void set_int(const std::string& key, std::int64_t value);
  void set_double(const std::string& key, double value);
  void set_bool(const std::string& key, bool value);

  bool has(const std::string& key) const { return values_.count(key) != 0; }
  bool erase(const std::string& key) { return values_.erase(key) != 0; }
  std::size_t size() const { return values_.size(); }
  std::vector<std::string> keys() const;

  // Throw FormatError naming source() and the key: missing key, or a value of the wrong type.
  const std::string& get_string(const std::string& key) const;
  std::int64_t get_int(const std::string& key) const;
  double get_double(const std::string& key) const;
  bool get_bool(const std::string& key) const;

  // As above, but `fallback` when the key is absent (a wrong type still throws).
  std::string get_string(const std::string& key, const std::string& fallback) const;
  std::int64_t get_int(const std::string& key, std::int64_t fallback) const;
  double get_double(const std::string& key, double fallback) const;
  bool get_bool(const std::string& key, bool fallback) const;

  // The file the config came from (for error messages); "CONFIG" when built in memory.
  const std::string& source() const { return source_; }
  void set_source(std::string source) { source_ = std::move(source); }

  bool operator==(const ModelConfig& other) const { return values_ == other.values_; }

 private:
  [[noreturn]] void wrong_type(const std::string& key, const char* expected) const;

  // Not a hot path: a handful of keys read once at load; the ordered map gives the stable text.
  std::map<std::string, std::string> values_;
  std::string source_ = "CONFIG";
};

}  // namespace slide::model
