#pragma once

// The options that slide-xc predict and test share: the model, the data, and how to predict.

#include <boost/program_options.hpp>
#include <cstddef>
#include <string>

#include "slide/xc/data_files.h"
#include "slide/xc/predictor.h"

namespace slide::xc_app {

// Rows predicted at a time (--batch-rows): bounds the memory of predict and test whatever the
// input size.
inline constexpr std::size_t kPredictBatchRows = 8192;

struct ModelArgs {
  std::string model, input, input_labels;
  xc::InputFormat format = xc::InputFormat::xc;
  xc::PredictOptions predict;
  std::size_t batch_rows = kPredictBatchRows;
};

void add_model_options(boost::program_options::options_description& options, ModelArgs& args);
// What the options table cannot express: the options left at "auto", the required ones.
// `command` names the command in the messages ("predict needs --model (-m)").
void finish_model_args(const boost::program_options::variables_map& vm, const std::string& command,
                       ModelArgs& args);

}  // namespace slide::xc_app
