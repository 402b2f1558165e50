#include "slide/model/model_config.h"

#include <charconv>
#include <cmath>
#include <system_error>

#include "slide/core/error.h"

namespace slide::model {
namespace {

bool valid_key(std::string_view key) {
  if (key.empty()) return false;
  for (const char c : key) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '.' || c == '-';
    if (!ok) return false;
  }
  return true;
}

// '\r' is refused too: a CRLF-damaged CONFIG must not pass with "\r" glued to every value.
bool has_control_break(std::string_view value) {
  for (const char c : value) {
    if (c == '\n' || c == '\r' || c == '\0') return true;
  }
  return false;
}

std::string quoted(std::string_view text) {
  std::string out = "'";
  for (const char c : text) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) {
      static const char kHex[] = "0123456789abcdef";
      out += "\\x";
      out += kHex[(static_cast<unsigned char>(c) >> 4) & 0xF];
      out += kHex[static_cast<unsigned char>(c) & 0xF];
    } else {
      out += c;
    }
  }
  return out + "'";
}

}  // namespace

ModelConfig ModelConfig::parse(std::string_view text, const std::string& source) {
  ModelConfig config;
  config.source_ = source;
  std::size_t line_number = 0;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view line = text.substr(start, end - start);
    start = end + 1;
    ++line_number;
    const std::string where = "CONFIG line " + std::to_string(line_number) + ": ";
    if (line.empty() || line.front() == '#') continue;
    const std::size_t equals = line.find('=');
    if (equals == std::string_view::npos) {
      throw FormatError(source, where + "expected key=value, got " + quoted(line));
    }
    const std::string_view key = line.substr(0, equals);
    const std::string_view value = line.substr(equals + 1);
    if (!valid_key(key)) {
      throw FormatError(source, where + "invalid key " + quoted(key) +
                                    " (expected letters, digits, '_', '.', '-')");
    }
    if (has_control_break(value)) {
      throw FormatError(source,
                        where + "control character in the value of '" + std::string(key) + "'");
    }
    if (!config.values_.emplace(std::string(key), std::string(value)).second) {
      throw FormatError(source, where + "duplicate key '" + std::string(key) + "'");
    }
  }
  return config;
}

std::string ModelConfig::to_text() const {
  std::string text;
  for (const auto& [key, value] : values_) {
    text += key;
    text += '=';
    text += value;
    text += '\n';
  }
  return text;
}

void ModelConfig::set_string(const std::string& key, const std::string& value) {
  if (!valid_key(key)) {
    throw UsageError("ModelConfig: invalid key " + quoted(key) +
                     " (expected letters, digits, '_', '.', '-')");
  }
  if (has_control_break(value)) {
    throw UsageError("ModelConfig: the value of '" + key + "' holds a line break or NUL");
  }
  values_[key] = value;
}

void ModelConfig::set_int(const std::string& key, std::int64_t value) {
  set_string(key, std::to_string(value));
}

void ModelConfig::set_double(const std::string& key, double value) {
  if (!std::isfinite(value)) {
    throw UsageError("ModelConfig: the value of '" + key + "' is not finite");
  }
  char buffer[64];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  set_string(key, std::string(buffer, result.ptr));
}

void ModelConfig::set_bool(const std::string& key, bool value) {
  set_string(key, value ? "true" : "false");
}

std::vector<std::string> ModelConfig::keys() const {
  std::vector<std::string> keys;
  keys.reserve(values_.size());
  for (const auto& entry : values_) keys.push_back(entry.first);
  return keys;
}

const std::string& ModelConfig::get_string(const std::string& key) const {
  const auto it = values_.find(key);
  if (it == values_.end()) throw FormatError(source_, "CONFIG has no key '" + key + "'");
  return it->second;
}

void ModelConfig::wrong_type(const std::string& key, const char* expected) const {
  throw FormatError(
      source_, "CONFIG key '" + key + "' = " + quoted(values_.at(key)) + " is not " + expected);
}

std::int64_t ModelConfig::get_int(const std::string& key) const {
  const std::string& text = get_string(key);
  std::int64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size()) {
    wrong_type(key, "a 64-bit integer");
  }
  return value;
}

double ModelConfig::get_double(const std::string& key) const {
  const std::string& text = get_string(key);
  double value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size() ||
      !std::isfinite(value)) {
    wrong_type(key, "a finite number");
  }
  return value;
}

bool ModelConfig::get_bool(const std::string& key) const {
  const std::string& text = get_string(key);
  if (text == "true") return true;
  if (text == "false") return false;
  wrong_type(key, "a boolean (true or false)");
}

std::string ModelConfig::get_string(const std::string& key, const std::string& fallback) const {
  return has(key) ? get_string(key) : fallback;
}
std::int64_t ModelConfig::get_int(const std::string& key, std::int64_t fallback) const {
  return has(key) ? get_int(key) : fallback;
}
double ModelConfig::get_double(const std::string& key, double fallback) const {
  return has(key) ? get_double(key) : fallback;
}
bool ModelConfig::get_bool(const std::string& key, bool fallback) const {
  return has(key) ? get_bool(key) : fallback;
}

}  // namespace slide::model
