# Compiles the built-in rule files into a library: a generated source defines
# jobtuner::analyzers::builtinRuleFiles() with each file's name and text. Editing a rule file
# regenerates the source at the next build.
function(jobtuner_embed_rules target rules_dir)
  file(GLOB_RECURSE rule_files CONFIGURE_DEPENDS ${rules_dir}/*.yaml)
  list(SORT rule_files)
  set(generated ${CMAKE_CURRENT_BINARY_DIR}/generated/builtin_rule_files.cpp)
  add_custom_command(
    OUTPUT ${generated}
    COMMAND ${CMAKE_COMMAND} -DOUTPUT=${generated} -DRULES_DIR=${rules_dir}
            -P ${PROJECT_SOURCE_DIR}/cmake/GenerateBuiltinRules.cmake
    DEPENDS ${rule_files} ${PROJECT_SOURCE_DIR}/cmake/GenerateBuiltinRules.cmake
    COMMENT "Embedding the built-in rules")
  target_sources(${target} PRIVATE ${generated})
endfunction()
