// The canonical XML form used by the round-trip tests must see real differences and ignore allowed ones.
#include <catch2/catch.hpp>

#include "support.hpp"

using namespace projconv::test;

TEST_CASE("canonical form ignores attribute order, blank text, comments and different-name order", "[support]") {
  std::string a = "<r x='1' y='2'><a>t</a><b/><!-- c --></r>";
  std::string b = "<r y='2' x='1'>\n  <b/>\n  <a>t</a>\n</r>";
  CHECK(canonical_xml(a) == canonical_xml(b));
}

TEST_CASE("canonical form sees changed values, same-name order, lost elements and namespaces", "[support]") {
  std::string base = "<r xmlns:u='urn:u'><s c='1'/><s c='2'/><n>text</n><u:e/></r>";
  CHECK(canonical_xml(base) != canonical_xml("<r xmlns:u='urn:u'><s c='2'/><s c='1'/><n>text</n><u:e/></r>"));
  CHECK(canonical_xml(base) != canonical_xml("<r xmlns:u='urn:u'><s c='1'/><s c='2'/><n>text </n><u:e/></r>"));
  CHECK(canonical_xml(base) != canonical_xml("<r xmlns:u='urn:u'><s c='1'/><s c='2'/><n>text</n></r>"));
  CHECK(canonical_xml(base) != canonical_xml("<r><s c='1'/><s c='2'/><n>text</n><u:e/></r>"));
  CHECK(canonical_xml(base) != canonical_xml("<r xmlns:u='urn:u'><s c='1'/><s c='2.0'/><n>text</n><u:e/></r>"));
}
