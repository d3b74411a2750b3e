// The compiled schema: its parser, and facts of the IATI 2.03 activity standard it must carry.
#include <catch2/catch.hpp>

#include "check/schema.hpp"

using namespace projconv;

TEST_CASE("builtin schema has the activity's children in XSD order", "[schema]") {
  const Schema& s = Schema::builtin();
  REQUIRE(s.version() == "2.03");
  const ElementDef* act = s.activity();
  REQUIRE(act != nullptr);
  REQUIRE(act->children.size() == 34);
  CHECK(act->children.front()->name == "iati-identifier");
  CHECK(act->children.back()->name == "fss");
  CHECK(act->index_of("reporting-org") < act->index_of("title"));
  CHECK(act->index_of("participating-org") < act->index_of("activity-status"));
  CHECK(act->index_of("no-such-element") == -1);
}

TEST_CASE("builtin schema types and cardinalities", "[schema]") {
  const ElementDef* act = Schema::builtin().activity();
  const ElementDef* budget = act->child("budget");
  REQUIRE(budget);
  CHECK(budget->repeats());
  const ElementDef* value = budget->child("value");
  REQUIRE(value);
  CHECK(value->text == ValueType::Decimal);
  CHECK_FALSE(value->repeats());
  REQUIRE(value->attr("value-date"));
  CHECK(value->attr("value-date")->type == ValueType::Date);
  CHECK(value->attr("value-date")->required);
  CHECK(value->attr("currency")->type == ValueType::Code);
  CHECK(act->child("iati-identifier")->is_simple());
  CHECK(act->child("title")->child("narrative")->attr("xml:lang")->type == ValueType::Lang);
  CHECK(act->attr("humanitarian")->type == ValueType::Boolean);
  CHECK(act->child("capital-spend")->attr("percentage")->required);
  CHECK(act->any_elements);
}

TEST_CASE("schema parser rejects malformed text", "[schema]") {
  CHECK_THROWS(Schema::parse("schema iati-activities 2.03\nroot 1..1 text=nonsense\n"));
  CHECK_THROWS(Schema::parse("schema iati-activities 2.03\niati-activities 1..1 text=none\n   odd 1..1 text=none\n"));
  CHECK_THROWS(Schema::parse("schema iati-activities 2.03\niati-activities 1..1 text=none\n"));  // no iati-activity
  Schema ok = Schema::parse(
      "schema iati-activities 9.99\niati-activities 1..1 text=none\n  iati-activity 1..n text=none any-elements\n"
      "    @id string required\n    x 0..n text=decimal\n");
  CHECK(ok.version() == "9.99");
  CHECK(ok.activity()->child("x")->max == -1);
  CHECK(ok.activity()->attrs.at(0).required);
}
