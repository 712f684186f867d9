# Script mode (see EmbedTextFiles.cmake): writes OUTPUT, a C++ source holding every file under DIR
# matching GLOB as a raw string.
file(GLOB_RECURSE files RELATIVE ${DIR} ${DIR}/${GLOB})
list(SORT files)
set(body "")
foreach(name IN LISTS files)
  set(path ${DIR}/${name})
  file(READ ${path} text)
  if(text MATCHES "\\)jobtuner_text\"")
    message(FATAL_ERROR "${path} holds the embedding delimiter )jobtuner_text\"")
  endif()
  string(APPEND body "      {\"${PREFIX}${name}\", R\"jobtuner_text(${text})jobtuner_text\"},\n")
endforeach()
file(WRITE ${OUTPUT}.tmp "// Generated from ${PREFIX}${GLOB} by cmake/GenerateEmbeddedFiles.cmake. Do not edit.
#include \"${HEADER}\"

namespace ${NAMESPACE} {

const std::vector<${TYPE}>& ${FUNCTION}() {
  static const std::vector<${TYPE}> kFiles = {
${body}  };
  return kFiles;
}

}  // namespace ${NAMESPACE}
")
file(RENAME ${OUTPUT}.tmp ${OUTPUT})
