# Compile options shared by every target of the project. Instruction-set flags are NOT global:
# each kernel translation unit gets its own (see lib/CMakeLists.txt), so the binaries run on any
# x86-64 and pick their kernels at run time.
add_library(slide_compile_options INTERFACE)
target_compile_options(slide_compile_options INTERFACE -Wall -Wextra -Wpedantic -Wshadow
                                                       -Wno-missing-field-initializers)
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
