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
# Fuzzing (scripts/fuzz): the library and everything linked with it get libFuzzer's coverage
# instrumentation plus ASan and UBSan; each target in tests/fuzz adds -fsanitize=fuzzer (the main).
if(SLIDE_BUILD_FUZZERS)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "SLIDE_BUILD_FUZZERS needs clang (e.g. -DCMAKE_CXX_COMPILER=clang++)")
  endif()
  if(SLIDE_SANITIZE OR SLIDE_TSAN)
    message(FATAL_ERROR "SLIDE_BUILD_FUZZERS already implies ASan and UBSan; do not combine it "
                        "with SLIDE_SANITIZE or SLIDE_TSAN")
  endif()
  target_compile_options(slide_compile_options INTERFACE
                         -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer
                         -fno-sanitize-recover=undefined)
  target_link_options(slide_compile_options INTERFACE -fsanitize=address,undefined)
endif()
# ThreadSanitizer (scripts/tsan). tests/tsan.supp names the intentionally racy HOGWILD updates.
if(SLIDE_TSAN)
  if(SLIDE_SANITIZE)
    message(FATAL_ERROR "SLIDE_TSAN cannot be combined with SLIDE_SANITIZE (ASan)")
  endif()
  target_compile_options(slide_compile_options INTERFACE -fsanitize=thread -fno-omit-frame-pointer)
  target_link_options(slide_compile_options INTERFACE -fsanitize=thread)
endif()
