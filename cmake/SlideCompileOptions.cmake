# Compile options shared by every target of the project. Instruction-set flags are NOT global:
# each kernel translation unit gets its own (see lib/CMakeLists.txt), so the binaries run on any
# x86-64 and pick their kernels at run time.
add_library(slide_compile_options INTERFACE)
# -Wno-restrict: GCC 12 reports false positives inside libstdc++'s std::string operator+ at -O3
# (GCC bugs 105329, 105651), which -Werror would turn into build failures.
target_compile_options(slide_compile_options INTERFACE -Wall -Wextra -Wpedantic -Wshadow
                                                       -Wno-missing-field-initializers
                                                       $<$<CXX_COMPILER_ID:GNU>:-Wno-restrict>)
if(SLIDE_WERROR)
  target_compile_options(slide_compile_options INTERFACE -Werror)
endif()
if(SLIDE_SANITIZE)
  target_compile_options(slide_compile_options INTERFACE -fsanitize=address,undefined
                                                         -fno-omit-frame-pointer
                                                         -fno-sanitize-recover=undefined)
  target_link_options(slide_compile_options INTERFACE -fsanitize=address,undefined)
endif()
if(SLIDE_NATIVE)
  target_compile_options(slide_compile_options INTERFACE -march=native)
endif()
