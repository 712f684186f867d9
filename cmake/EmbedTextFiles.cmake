# Compiles text files into a library, so the binary needs no data files beside it: a generated
# source defines `const std::vector<TYPE>& NAMESPACE::FUNCTION()` (declared in HEADER) holding each
# file's name (PREFIX + its path under DIR) and text, sorted by name. Editing a file regenerates
# the source at the next build.
function(jobtuner_embed_text_files target)
  cmake_parse_arguments(ARG "" "DIR;GLOB;PREFIX;HEADER;NAMESPACE;FUNCTION;TYPE" "" ${ARGN})
  file(GLOB_RECURSE files CONFIGURE_DEPENDS ${ARG_DIR}/${ARG_GLOB})
  set(generated ${CMAKE_CURRENT_BINARY_DIR}/generated/${ARG_FUNCTION}.cpp)
  add_custom_command(
    OUTPUT ${generated}
    COMMAND ${CMAKE_COMMAND} -DOUTPUT=${generated} -DDIR=${ARG_DIR} -DGLOB=${ARG_GLOB} -DPREFIX=${ARG_PREFIX}
            -DHEADER=${ARG_HEADER} -DNAMESPACE=${ARG_NAMESPACE} -DFUNCTION=${ARG_FUNCTION} -DTYPE=${ARG_TYPE}
            -P ${PROJECT_SOURCE_DIR}/cmake/GenerateEmbeddedFiles.cmake
    DEPENDS ${files} ${PROJECT_SOURCE_DIR}/cmake/GenerateEmbeddedFiles.cmake
    COMMENT "Embedding ${ARG_PREFIX}${ARG_GLOB}")
  target_sources(${target} PRIVATE ${generated})
endfunction()
