// The structure layer: element order and cardinality, attributes, text and value types, from the schema.
#pragma once
#include <string>

#include "check/schema.hpp"
#include "core/diag.hpp"
#include "core/record.hpp"

namespace projconv {

class StructureCheck {
 public:
  explicit StructureCheck(const Schema& s) : schema_(s) {}
  // The root element: its attributes and the content beside the activities.
  void check_header(const Header& h, const std::string& file, Reporter& rep) const;
  // One activity, the whole of it: every problem is reported, not just the first.
  void check_record(const Record& r, const std::string& file, Reporter& rep) const;
  // After the last record: a file needs at least one activity.
  void check_end(size_t activities, const Header& h, const std::string& file, Reporter& rep) const;

 private:
  const Schema& schema_;
};

}  // namespace projconv
