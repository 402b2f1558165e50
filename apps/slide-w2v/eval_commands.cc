// slide-w2v analogy | similarity | nearest: evaluation of a vector file in any of the three
// formats.

#include <boost/program_options.hpp>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "common/cli_common.h"
#include "common/exit_codes.h"
#include "slide-w2v/commands.h"
#include "slide/core/error.h"
#include "slide/w2v/analogy.h"
#include "slide/w2v/nearest.h"
#include "slide/w2v/similarity.h"
#include "slide/w2v/vectors_io.h"

namespace po = boost::program_options;

namespace slide::cli::w2v_app {

namespace {

// The common options of the evaluation commands. Not common_options_description(): -v is
// --vectors here, as in the synopsis.
po::options_description eval_common(CommonOptions& common) {
  po::options_description d("Common options");
  d.add_options()("help,h", "print this help and exit")(
      "threads,t", po::value(&common.threads)->default_value(0)->value_name("N"),
      "worker threads; 0 means every hardware thread")(
      "kernels", po::value(&common.kernels)->value_name("SET"),
      "force a kernel set: scalar, avx2, avx512, avx512-bf16, amx (also SLIDE_KERNELS)");
  return d;
}

bool parse(const std::vector<std::string>& args, po::options_description& all,
           po::variables_map& vm, const po::positional_options_description* positional = nullptr,
           const po::options_description* hidden = nullptr) {
  po::options_description parsed;
  parsed.add(all);
  if (hidden) parsed.add(*hidden);
  po::command_line_parser parser(args);
  parser.options(parsed);
  if (positional) parser.positional(*positional);
  po::store(parser.run(), vm);
  if (vm.count("help")) {
    std::cout << all << "\n";
    return false;
  }
  po::notify(vm);
  return true;
}

w2v::VectorFormat format_of(const std::string& name) {
  return name.empty() ? w2v::VectorFormat::automatic : w2v::parse_vector_format(name);
}

}  // namespace

int analogy_command(std::vector<std::string> args) {
  CommonOptions common;
  std::string vectors, questions, format;
  std::size_t restrict_vocab = 30000;
  bool mul = false;
  po::options_description d("Options");
  d.add_options()("vectors,v", po::value(&vectors)->required()->value_name("VECTORS"),
                  "the vectors (word2vec text or binary, or fastText .vec; compressed or -)")(
      "questions,q", po::value(&questions)->required()->value_name("FILE"),
      "questions in questions-words.txt format")(
      "restrict", po::value(&restrict_vocab)->default_value(30000)->value_name("N"),
      "use only the first N vectors, as compute-accuracy does (0: all)")(
      "3cosmul", po::bool_switch(&mul), "score with 3CosMul instead of 3CosAdd")(
      "vector-format", po::value(&format)->value_name("FORMAT"),
      "w2v-text, w2v-bin or vec (default: detected)");
  po::options_description all(
      "Usage: slide-w2v analogy -v VECTORS -q QUESTIONS [options]\n\n"
      "Word analogy accuracy, computed and printed as word2vec's compute-accuracy does");
  all.add(d).add(eval_common(common));
  po::variables_map vm;
  if (!parse(args, all, vm)) return int(kExitOk);
  RunEnvironment environment(common);
  w2v::AnalogyOptions options;
  options.restrict_vocab = restrict_vocab;
  options.method = mul ? w2v::AnalogyMethod::mul : w2v::AnalogyMethod::add;
  w2v::AnalogyResult result;
  if (format.empty()) {
    result = w2v::compute_accuracy(vectors, questions, options);
  } else {
    w2v::ReadVectorsOptions read;
    read.format = format_of(format);
    read.max_words = restrict_vocab;
    const w2v::WordVectors v = w2v::read_vectors_file(vectors, read);
    result = w2v::evaluate_analogies(v, w2v::read_analogy_questions_file(questions), options);
  }
  std::cout << w2v::compute_accuracy_report(result, options.semantic_sections);
  return int(kExitOk);
}

int similarity_command(std::vector<std::string> args) {
  CommonOptions common;
  std::string vectors, pairs_path, format;
  std::size_t restrict_vocab = 0;
  po::options_description d("Options");
  d.add_options()("vectors,v", po::value(&vectors)->required()->value_name("VECTORS"),
                  "the vectors (word2vec text or binary, or fastText .vec; compressed or -)")(
      "pairs,p", po::value(&pairs_path)->required()->value_name("FILE"),
      "word pairs with human scores, 'word1 word2 score' per line (WordSim-353)")(
      "restrict", po::value(&restrict_vocab)->default_value(0)->value_name("N"),
      "use only the first N vectors (0: all)")("vector-format",
                                               po::value(&format)->value_name("FORMAT"),
                                               "w2v-text, w2v-bin or vec (default: detected)");
  po::options_description all(
      "Usage: slide-w2v similarity -v VECTORS -p PAIRS [options]\n\n"
      "Spearman correlation between cosine similarities and human scores");
  all.add(d).add(eval_common(common));
  po::variables_map vm;
  if (!parse(args, all, vm)) return int(kExitOk);
  RunEnvironment environment(common);
  w2v::ReadVectorsOptions read;
  read.format = format_of(format);
  read.max_words = restrict_vocab;
  const auto pairs = w2v::read_similarity_pairs_file(pairs_path);
  const w2v::WordVectors v = w2v::read_vectors_file(vectors, read);
  const w2v::SimilarityResult result = w2v::evaluate_similarity(v, pairs);
  char line[160];
  std::snprintf(line, sizeof line, "Spearman rho: %.4f\nPairs covered: %zu / %zu\n",
                result.spearman, result.covered, result.total);
  std::cout << line;
  return int(kExitOk);
}

int nearest_command(std::vector<std::string> args) {
  CommonOptions common;
  std::string vectors, format;
  std::size_t k = 40;
  std::vector<std::string> words;
  po::options_description d("Options");
  d.add_options()("vectors,v", po::value(&vectors)->required()->value_name("VECTORS"),
                  "the vectors (word2vec text or binary, or fastText .vec; compressed or -)")(
      "count,k", po::value(&k)->default_value(40)->value_name("N"), "neighbours to print")(
      "vector-format", po::value(&format)->value_name("FORMAT"),
      "w2v-text, w2v-bin or vec (default: detected)");
  po::options_description hidden;
  hidden.add_options()("word", po::value(&words), "query words");
  po::positional_options_description positional;
  positional.add("word", -1);
  po::options_description all(
      "Usage: slide-w2v nearest -v VECTORS WORD...\n\n"
      "The nearest words by cosine similarity to the sum of the words' unit vectors (word2vec's "
      "distance); without WORD, one query per line of standard input");
  all.add(d).add(eval_common(common));
  po::variables_map vm;
  if (!parse(args, all, vm, &positional, &hidden)) return int(kExitOk);
  RunEnvironment environment(common);
  if (k == 0) throw UsageError("--count must be at least 1");
  w2v::ReadVectorsOptions read;
  read.format = format_of(format);
  const w2v::NearestNeighbors index(w2v::read_vectors_file(vectors, read));
  auto answer = [&](const std::vector<std::string>& query) {
    const auto result = index.nearest_to_words(query, k);
    for (const std::string& word : result.missing) {
      std::cout << "Out of dictionary word: " << word << "\n";
    }
    if (!result.missing.empty()) return;
    std::cout << "Query:";
    for (const std::string& word : query) std::cout << " " << word;
    std::cout << "\n";
    char line[64];
    for (const w2v::Neighbor& n : result.neighbors) {
      std::snprintf(line, sizeof line, "\t%.6f\n", static_cast<double>(n.similarity));
      std::cout << index.unit_vectors().words[n.id] << line;
    }
  };
  if (!words.empty()) {
    answer(words);
    return int(kExitOk);
  }
  std::string text;
  while (std::getline(std::cin, text)) {
    std::vector<std::string> query;
    std::size_t p = 0;
    while (p < text.size()) {
      while (p < text.size() && (text[p] == ' ' || text[p] == '\t' || text[p] == '\r')) ++p;
      const std::size_t s = p;
      while (p < text.size() && text[p] != ' ' && text[p] != '\t' && text[p] != '\r') ++p;
      if (p > s) query.push_back(text.substr(s, p - s));
    }
    if (!query.empty()) answer(query);
    std::cout.flush();
  }
  return int(kExitOk);
}

}  // namespace slide::cli::w2v_app
