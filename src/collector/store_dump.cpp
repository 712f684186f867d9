#include "collector/store.h"

#include <string>
#include <vector>

#include "collector/sqlite_statement.h"

namespace jobtuner::collector {

namespace {

// Not content: which migrations ran says how the store was made, not what it holds.
bool isBookkeeping(const std::string& table) { return table == "schema_migrations"; }

std::vector<std::string> tablesOf(sqlite3* db) {
  SqliteStatement query(db,
                        "SELECT name FROM sqlite_schema WHERE type = 'table' "
                        "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name");
  std::vector<std::string> tables;
  while (query.step()) {
    std::string table = query.textAt(0);
    if (!isBookkeeping(table)) tables.push_back(table);
  }
  return tables;
}

// Stored columns only: generated ones are functions of these, and app_pk is the store's own
// handle, which depends on ingestion order.
std::vector<std::string> contentColumnsOf(sqlite3* db, const std::string& table, bool& hasAppPk) {
  SqliteStatement query(db, "SELECT name, hidden FROM pragma_table_xinfo(?) ORDER BY cid");
  query.bind(1, table);
  std::vector<std::string> columns;
  hasAppPk = false;
  while (query.step()) {
    std::string name = query.textAt(0);
    if (name == "app_pk") {
      hasAppPk = true;
    } else if (query.int64At(1) == 0) {
      columns.push_back(name);
    }
  }
  return columns;
}

std::string quoteIdentifier(const std::string& name) {
  std::string quoted = "\"";
  for (char c : name) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}

// Text is quoted as SQL literals are, so '' and 0 and NULL stay apart. SQLite's quote() would be
// shorter but stops at an embedded NUL byte, hiding a difference after it.
void appendValue(const SqliteStatement& query, int column, std::string& out) {
  switch (query.typeAt(column)) {
    case SqliteStatement::ColumnType::Null:
      out += "NULL";
      return;
    case SqliteStatement::ColumnType::Text:
    case SqliteStatement::ColumnType::Blob: {
      out += '\'';
      for (char c : query.textAt(column)) {
        if (c == '\'') out += '\'';
        out += c;
      }
      out += '\'';
      return;
    }
    default:
      out += query.textAt(column);
  }
}

}  // namespace

std::string Store::dumpForComparison() const {
  // Tables and columns are read from the schema so that whatever a later migration adds is
  // compared too. Rows are sorted by every column; each table's natural key comes first among its
  // columns, so this is natural-key order.
  SqliteReadSnapshot snapshot(db_);
  std::string dump;
  for (const std::string& table : tablesOf(db_)) {
    bool hasAppPk = false;
    std::vector<std::string> columns = contentColumnsOf(db_, table, hasAppPk);
    std::string selected;
    std::string header;
    if (hasAppPk && table != "apps") {
      selected = "a.app_id, a.attempt_id";
      header = "app.app_id|app.attempt_id";
    }
    for (const std::string& column : columns) {
      selected += (selected.empty() ? "t." : ", t.") + quoteIdentifier(column);
      header += (header.empty() ? "" : "|") + column;
    }
    std::string from = " FROM " + quoteIdentifier(table) + " t";
    // A writer's placeholder app (app_id '') is not content yet.
    if (table == "apps") {
      from += " WHERE t.app_id <> ''";
    } else if (hasAppPk) {
      from += " JOIN apps a ON a.app_pk = t.app_pk AND a.app_id <> ''";
    }

    dump += "== " + table + ": " + header + "\n";
    SqliteStatement query(db_, "SELECT " + selected + from + " ORDER BY " + selected);
    while (query.step()) {
      for (int i = 0; i < query.columnCount(); ++i) {
        if (i > 0) dump += '|';
        appendValue(query, i, dump);
      }
      dump += '\n';
    }
  }
  return dump;
}

}  // namespace jobtuner::collector
