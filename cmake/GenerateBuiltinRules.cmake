# Script mode: writes OUTPUT, a C++ source holding every YAML file under RULES_DIR as a string.
file(GLOB_RECURSE rule_files RELATIVE ${RULES_DIR} ${RULES_DIR}/*.yaml)
list(SORT rule_files)
set(body "")
foreach(name IN LISTS rule_files)
  set(path ${RULES_DIR}/${name})
  file(READ ${path} text)
  if(text MATCHES "\\)jobtuner_rule\"")
    message(FATAL_ERROR "${path} holds the embedding delimiter )jobtuner_rule\"")
  endif()
  string(APPEND body "      {\"rules/${name}\", R\"jobtuner_rule(${text})jobtuner_rule\"},\n")
endforeach()
file(WRITE ${OUTPUT}.tmp "// Generated from rules/*.yaml by cmake/GenerateBuiltinRules.cmake. Do not edit.
#include \"analyzers/builtin_rules.h\"

namespace jobtuner::analyzers {

const std::vector<RuleFileText>& builtinRuleFiles() {
  static const std::vector<RuleFileText> kFiles = {
${body}  };
  return kFiles;
}

}  // namespace jobtuner::analyzers
")
file(RENAME ${OUTPUT}.tmp ${OUTPUT})
