// What the two CSV layouts share: file-level cells, the fragments cell, and splitting a path into a table.
#pragma once
#include <string>
#include <utility>
#include <vector>

#include "core/record.hpp"
#include "formats/csv_paths.hpp"

namespace projconv {

inline constexpr const char* kFragmentsHeading = "#xml";
inline constexpr const char* kRootPrefix = "/iati-activities/";  // wide headings of file-level values

// File-level values: the root's attributes (`@version`, `@xmlns:usg`), comments before the root
// (`#prolog`) and the root's other content before the first activity (`#before`), as XML. Where an empty
// cell means "absent" (the wide layout) and a root attribute is empty, the attributes go in one
// `#attributes` cell instead: `<iati-activities version=""/>`.
std::vector<std::pair<std::string, std::string>> meta_cells(const Header& h, bool empty_is_absent);
// Root content after the first activity (`#after`).
std::vector<std::pair<std::string, std::string>> trailer_cells(const Header& t);
// Puts one file-level value back into a header (or trailer) under construction; empty string or why not.
std::string apply_meta(Header& h, const std::string& key, const std::string& value);

// Several fragments in one cell: `<fragment at="transaction[2]/usg:x[1]">...</fragment>`.
std::string wrap_fragment(const std::string& at, const std::string& xml);
// Splits a fragments cell; empty string or why not.
std::string unwrap_fragments(const std::string& cell, std::vector<Fragment>& out);

// A cell as the table package stores it.
struct TableCell {
  std::string table;                  // "activity", "transaction", "transaction.sector"
  const ElementDef* def = nullptr;    // the table's element
  std::vector<uint32_t> key;          // ordinals of the repeatable steps, outermost first
  std::vector<std::string> key_names; // their element names
  CellPath column;                    // the path below the table element
};
TableCell split_for_table(const CellPath& p, const ElementDef* activity);
// The steps from the activity to a table's element, given its key ordinals; empty string or why not.
std::string table_steps(const std::string& table, const std::vector<uint32_t>& key, const ElementDef* activity,
                        std::vector<Step>& out);

}  // namespace projconv
