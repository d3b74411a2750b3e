#!/usr/bin/env python3
# Flattens the official IATI activity XSD (plus the codelist mapping) into projconv's line-based schema file.
#
# The C++ loader reads schemas/iati-activities-<version>.schema instead of the XSD so that it needs no
# XSD processor; see schemas/README.md for the format. This script understands only the subset of XML
# Schema the IATI activity standard uses and stops with an error on anything else, because a silently
# wrong schema would make the converter accept or reject the wrong documents.
#
# Python 3.9+ standard library only.

import argparse
import os
import sys
import xml.etree.ElementTree as ET

XSD_NS = "http://www.w3.org/2001/XMLSchema"
XML_NS = "http://www.w3.org/XML/1998/namespace"

ROOT_ELEMENT = "iati-activities"
ACTIVITY_FILE = "iati-activities-schema.xsd"

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_XSD_DIR = os.path.join(REPO_ROOT, "..", "shared", "iati", "schema", "2.03")
DEFAULT_MAPPING = os.path.join(REPO_ROOT, "..", "shared", "iati", "codelists", "meta", "mapping.xml")
DEFAULT_OUT = os.path.join(REPO_ROOT, "schemas", "iati-activities-2.03.schema")

# Built-in XSD types -> our closed set of value types. Anything missing here is deliberately an error.
BUILTIN_TYPES = {
    "string": "string",
    "normalizedString": "string",
    "token": "string",
    "NMTOKEN": "NMTOKEN",
    "date": "date",
    "dateTime": "dateTime",
    "decimal": "decimal",
    "boolean": "boolean",
    "anyURI": "anyURI",
}
# Integer kinds the 2.03 XSD uses keep their own names, since their ranges differ; others are not mapped.
BUILTIN_TYPES["int"] = "int"
BUILTIN_TYPES["nonNegativeInteger"] = "nonNegativeInteger"
BUILTIN_TYPES["positiveInteger"] = "positiveInteger"

# Schema-node attributes we know how to honour; any other attribute (default=, fixed=, mixed=, nillable=,
# substitutionGroup=, ...) changes the meaning of the content model, so it must not be dropped silently.
ALLOWED_ATTRS = {
    "element": {"name", "ref", "type", "minOccurs", "maxOccurs", "id"},
    "attribute": {"name", "ref", "type", "use", "id"},
    "complexType": {"name", "id"},
    "simpleType": {"name", "id"},
    "sequence": {"minOccurs", "maxOccurs", "id"},
    "any": {"namespace", "processContents", "minOccurs", "maxOccurs", "id"},
    "anyAttribute": {"namespace", "processContents", "id"},
    "simpleContent": {"id"},
    "complexContent": {"id"},
    "extension": {"base", "id"},
    "restriction": {"base", "id"},
}


class SchemaError(Exception):
    pass


def local(tag):
    """Local part of an ElementTree '{ns}name' tag, or None when the node is not in the XSD namespace."""
    if isinstance(tag, str) and tag.startswith("{" + XSD_NS + "}"):
        return tag[len(XSD_NS) + 2:]
    return None


def xsd_children(node):
    """Schema children of a node, without annotations (they carry documentation only)."""
    out = []
    for child in node:
        kind = local(child.tag)
        if kind is None:
            if not isinstance(child.tag, str):
                continue  # comments / processing instructions
            raise SchemaError("unexpected non-XSD element %s" % child.tag)
        if kind != "annotation":
            out.append(child)
    return out


def check_attrs(node, where):
    kind = local(node.tag)
    allowed = ALLOWED_ATTRS.get(kind, set())
    for key in node.attrib:
        if key.startswith("{"):
            continue  # foreign-namespace annotations attributes are harmless
        if key not in allowed:
            raise SchemaError("%s: unsupported attribute %s=%r on xsd:%s"
                              % (where, key, node.attrib[key], kind))


def occurs(node, where):
    def parse(attr, default):
        raw = node.get(attr, default)
        if raw == "unbounded":
            return None
        try:
            value = int(raw)
        except ValueError:
            raise SchemaError("%s: bad %s=%r" % (where, attr, raw))
        if value < 0:
            raise SchemaError("%s: bad %s=%r" % (where, attr, raw))
        return value
    lo = parse("minOccurs", "1")
    hi = parse("maxOccurs", "1")
    if lo is None or (hi is not None and hi < lo):
        raise SchemaError("%s: bad occurrence %s..%s" % (where, node.get("minOccurs"), node.get("maxOccurs")))
    return lo, hi


class Node:
    """One element of the flattened tree."""

    def __init__(self, name, lo, hi):
        self.name = name
        self.lo = lo
        self.hi = hi          # None = unbounded
        self.text = "none"
        self.any_elements = False
        self.any_attributes = False
        self.attrs = []       # [name, type, required]; lists so the codelist pass can retype them
        self.children = []


class Schema:
    def __init__(self):
        self.components = {}  # (kind, namespace, name) -> (node, file)
        self.nsmaps = {}      # schema node -> in-scope {prefix: uri}
        self.loaded = set()
        self.version = None

    # ---- loading -------------------------------------------------------------------------------

    def load(self, path, expected_ns):
        real = os.path.realpath(path)
        if real in self.loaded:
            return  # both the activity and common schemas import xml.xsd
        self.loaded.add(real)
        if not os.path.isfile(path):
            raise SchemaError("schema file not found: %s" % path)

        # ElementTree drops prefix declarations, but type=/ref=/base= values are QNames, so keep a
        # per-node namespace map (xml.xsd re-declares the default namespace inside its docs).
        stack = [{"xml": XML_NS}]
        pending = {}
        root = None
        try:
            for event, item in ET.iterparse(path, events=("start-ns", "start", "end")):
                if event == "start-ns":
                    pending[item[0]] = item[1]
                elif event == "start":
                    scope = dict(stack[-1])
                    scope.update(pending)
                    pending = {}
                    stack.append(scope)
                    self.nsmaps[item] = scope
                    if root is None:
                        root = item
                else:
                    stack.pop()
        except ET.ParseError as exc:
            raise SchemaError("%s: %s" % (path, exc))

        name = os.path.basename(path)
        if local(root.tag) != "schema":
            raise SchemaError("%s: root is not xsd:schema" % name)
        tns = root.get("targetNamespace")
        if tns != expected_ns:
            raise SchemaError("%s: targetNamespace %r, expected %r" % (name, tns, expected_ns))
        if tns is None and self.version is None:
            self.version = root.get("version")

        for child in xsd_children(root):
            kind = local(child.tag)
            if kind == "include":
                self.load(self.location(path, child), tns)
            elif kind == "import":
                if child.get("namespace") != XML_NS:
                    raise SchemaError("%s: import of unsupported namespace %r" % (name, child.get("namespace")))
                self.load(self.location(path, child), XML_NS)
            elif kind in ("element", "complexType", "simpleType", "attribute", "attributeGroup", "group"):
                key = (kind, tns, child.get("name"))
                if key in self.components:
                    raise SchemaError("%s: duplicate global %s %r" % (name, kind, key[2]))
                self.components[key] = (child, name)
            else:
                raise SchemaError("%s: unsupported top-level xsd:%s" % (name, kind))

    @staticmethod
    def location(including_path, node):
        loc = node.get("schemaLocation")
        if not loc:
            raise SchemaError("%s: include/import without schemaLocation" % including_path)
        # Only local copies are used: the generator must not depend on the network.
        return os.path.join(os.path.dirname(including_path), os.path.basename(loc))

    def qname(self, node, value, where):
        if ":" in value:
            prefix, name = value.split(":", 1)
        else:
            prefix, name = "", value
        scope = self.nsmaps[node]
        if prefix not in scope:
            if prefix == "":
                return None, name
            raise SchemaError("%s: undeclared prefix in %r" % (where, value))
        return scope[prefix] or None, name

    def lookup(self, kind, ns, name, where):
        found = self.components.get((kind, ns, name))
        if found is None:
            raise SchemaError("%s: unknown %s %s" % (where, kind, name if ns is None else "{%s}%s" % (ns, name)))
        return found[0]

    # ---- simple types ----------------------------------------------------------------------------

    def simple_type_by_name(self, node, value, where):
        ns, name = self.qname(node, value, where)
        if ns == XSD_NS:
            if name not in BUILTIN_TYPES:
                raise SchemaError("%s: unsupported XSD type xsd:%s" % (where, name))
            return BUILTIN_TYPES[name]
        if ("complexType", ns, name) in self.components:
            raise SchemaError("%s: complex type %s used where a simple type is required" % (where, value))
        if ("simpleType", ns, name) not in self.components:
            raise SchemaError("%s: unknown type %s" % (where, value))
        return self.simple_type_node(self.lookup("simpleType", ns, name, where), where + " (" + value + ")")

    def simple_type_node(self, st, where):
        check_attrs(st, where)
        body = xsd_children(st)
        if len(body) != 1 or local(body[0].tag) != "restriction":
            raise SchemaError("%s: only xsd:restriction simple types are supported (no list/union)" % where)
        restriction = body[0]
        check_attrs(restriction, where)
        # Facets (enumeration, pattern, ...) narrow the value space but not the base type we record.
        if restriction.get("base"):
            return self.simple_type_by_name(restriction, restriction.get("base"), where)
        inner = [c for c in xsd_children(restriction) if local(c.tag) == "simpleType"]
        if len(inner) != 1:
            raise SchemaError("%s: restriction without a base type" % where)
        return self.simple_type_node(inner[0], where)

    # ---- elements --------------------------------------------------------------------------------

    def element(self, decl, ancestors, where, top=False):
        check_attrs(decl, where)
        lo, hi = (1, 1) if top else occurs(decl, where)
        if decl.get("ref"):
            if decl.get("name") or decl.get("type"):
                raise SchemaError("%s: element with both ref and name/type" % where)
            ns, name = self.qname(decl, decl.get("ref"), where)
            decl = self.lookup("element", ns, name, where)
            check_attrs(decl, where)
        name = decl.get("name")
        if not name:
            raise SchemaError("%s: element without a name" % where)
        where = name if top else where + "/" + name
        node = Node(name, lo, hi)

        inline = [c for c in xsd_children(decl) if local(c.tag) in ("complexType", "simpleType")]
        others = [c for c in xsd_children(decl) if local(c.tag) not in ("complexType", "simpleType")]
        if others:
            raise SchemaError("%s: unsupported xsd:%s in element" % (where, local(others[0].tag)))
        if decl.get("type") and inline or len(inline) > 1:
            raise SchemaError("%s: element has more than one type definition" % where)

        if decl.get("type"):
            ns, tname = self.qname(decl, decl.get("type"), where)
            if ns != XSD_NS and ("complexType", ns, tname) in self.components:
                ct = self.lookup("complexType", ns, tname, where)
                self.complex_type(node, ct, ("complexType", ns, tname), ancestors, where)
            else:
                node.text = self.simple_type_by_name(decl, decl.get("type"), where)
        elif inline and local(inline[0].tag) == "complexType":
            # Anonymous types are identified by the declaration node itself.
            self.complex_type(node, inline[0], ("anonymous", inline[0]), ancestors, where)
        elif inline:
            node.text = self.simple_type_node(inline[0], where)
        else:
            raise SchemaError("%s: element has no type (xsd:anyType is not supported)" % where)
        return node

    def complex_type(self, node, ct, key, ancestors, where):
        for anc in ancestors:
            if anc == key:
                raise SchemaError("%s: element recurses into its own type %s; cannot inline"
                                  % (where, key[2] if key[0] == "complexType" else "(anonymous)"))
        check_attrs(ct, where)
        ancestors = ancestors + [key]
        self.content(node, xsd_children(ct), ancestors, where)
        names = [a[0] for a in node.attrs]
        if len(set(names)) != len(names):
            raise SchemaError("%s: duplicate attribute names %s" % (where, names))
        names = [c.name for c in node.children]
        if len(set(names)) != len(names):
            # The loader addresses children by name; two same-named siblings would be ambiguous.
            raise SchemaError("%s: duplicate child element names %s" % (where, names))

    def content(self, node, parts, ancestors, where):
        """Adds the particles and attributes in `parts` (children of a complexType or extension)."""
        for part in parts:
            kind = local(part.tag)
            if kind != "attribute":  # attribute() checks its own, with a more precise location
                check_attrs(part, where)
            if kind == "sequence":
                self.sequence(node, part, ancestors, where)
            elif kind == "attribute":
                node.attrs.append(self.attribute(part, where))
            elif kind == "anyAttribute":
                node.any_attributes = True
            elif kind == "simpleContent":
                body = xsd_children(part)
                if len(body) != 1 or local(body[0].tag) != "extension":
                    raise SchemaError("%s: only xsd:simpleContent/xsd:extension is supported" % where)
                ext = body[0]
                check_attrs(ext, where)
                node.text = self.simple_type_by_name(ext, ext.get("base", ""), where)
                self.content(node, xsd_children(ext), ancestors, where)
            elif kind == "complexContent":
                body = xsd_children(part)
                if len(body) != 1 or local(body[0].tag) != "extension":
                    raise SchemaError("%s: only xsd:complexContent/xsd:extension is supported" % where)
                ext = body[0]
                check_attrs(ext, where)
                ns, base = self.qname(ext, ext.get("base", ""), where)
                base_ct = self.lookup("complexType", ns, base, where)
                check_attrs(base_ct, where)
                if any(local(c.tag) == "simpleContent" for c in xsd_children(base_ct)):
                    raise SchemaError("%s: complexContent extension of a simple-content type" % where)
                if ("complexType", ns, base) in ancestors:
                    raise SchemaError("%s: type %s extends/contains itself" % (where, base))
                # Base content first, then the extension's own sequence and attributes.
                self.content(node, xsd_children(base_ct), ancestors + [("complexType", ns, base)], where)
                self.content(node, xsd_children(ext), ancestors, where)
            else:
                raise SchemaError("%s: unsupported content model xsd:%s" % (where, kind))

    def sequence(self, node, seq, ancestors, where):
        if occurs(seq, where) != (1, 1):
            raise SchemaError("%s: repeated/optional xsd:sequence is not supported" % where)
        for part in xsd_children(seq):
            kind = local(part.tag)
            if kind == "element":
                node.children.append(self.element(part, ancestors, where))
            elif kind == "any":
                check_attrs(part, where)
                if part.get("namespace") != "##other":
                    raise SchemaError("%s: xsd:any namespace=%r is not supported"
                                      % (where, part.get("namespace")))
                node.any_elements = True
            elif kind == "sequence":
                self.sequence(node, part, ancestors, where)
            else:
                raise SchemaError("%s: unsupported particle xsd:%s" % (where, kind))

    def attribute(self, decl, where):
        check_attrs(decl, "%s/@%s" % (where, decl.get("name") or decl.get("ref")))
        use = decl.get("use", "optional")
        if use not in ("optional", "required"):
            raise SchemaError("%s: unsupported attribute use=%r" % (where, use))
        required = use == "required"
        if decl.get("ref"):
            ns, name = self.qname(decl, decl.get("ref"), where)
            where = "%s/@%s" % (where, decl.get("ref"))
            if ns == XML_NS:
                if name != "lang":
                    raise SchemaError("%s: unsupported attribute xml:%s" % (where, name))
                self.lookup("attribute", XML_NS, name, where)  # make sure xml.xsd really declares it
                return ["xml:lang", "xml:lang", required]
            decl = self.lookup("attribute", ns, name, where)
            check_attrs(decl, where)
        name = decl.get("name")
        if not name:
            raise SchemaError("%s: attribute without a name" % where)
        where = "%s/@%s" % (where, name)
        inline = [c for c in xsd_children(decl) if local(c.tag) == "simpleType"]
        if decl.get("type"):
            if inline:
                raise SchemaError("%s: attribute has both type= and an inline type" % where)
            return [name, self.simple_type_by_name(decl, decl.get("type"), where), required]
        if len(inline) == 1:
            return [name, self.simple_type_node(inline[0], where), required]
        raise SchemaError("%s: attribute has no type (xsd:anySimpleType is not supported)" % where)


# ---- codelist mapping --------------------------------------------------------------------------------

def strip_predicates(path):
    out, depth = [], 0
    for ch in path:
        if ch == "[":
            depth += 1
        elif ch == "]":
            depth -= 1
            if depth < 0:
                raise SchemaError("unbalanced ']' in mapping path %r" % path)
        elif depth == 0:
            out.append(ch)
    if depth:
        raise SchemaError("unbalanced '[' in mapping path %r" % path)
    return "".join(out)


def read_mapping(path):
    try:
        root = ET.parse(path).getroot()
    except (OSError, ET.ParseError) as exc:
        raise SchemaError("cannot read mapping %s: %s" % (path, exc))
    steps = []
    for mapping in root.iter("mapping"):
        raw = (mapping.findtext("path") or "").strip()
        if mapping.find("codelist") is None or not raw:
            raise SchemaError("mapping entry without path or codelist in %s" % path)
        if not raw.startswith("//"):
            raise SchemaError("mapping path %r is not of the form //..." % raw)
        parts = strip_predicates(raw[2:]).split("/")
        if not all(parts):
            raise SchemaError("unsupported mapping path %r" % raw)
        # "a/b" (an element) and "a/b/text()" both mean the element's text content.
        if not parts[-1].startswith("@") and parts[-1] != "text()":
            parts.append("text()")
        steps.append((raw, tuple(parts)))
    return steps


def apply_codelists(root, mapping, report):
    # Every bindable node: its full path from the root, plus a way to read and retype it.
    targets = []

    def walk(node, prefix):
        path = prefix + (node.name,)
        targets.append((path + ("text()",), node, None))
        for attr in node.attrs:
            targets.append((path + ("@" + attr[0],), node, attr))
        for child in node.children:
            walk(child, path)
    walk(root, ())

    bound = 0
    for raw, steps in mapping:
        hits = [t for t in targets if t[0][-len(steps):] == steps]
        if not hits:
            if steps[0] in ("iati-organisation", "iati-organisations"):
                report["skipped"].append(raw)
                continue
            raise SchemaError("mapping path %s matches nothing in the activity schema" % raw)
        for _path, node, attr in hits:
            current = node.text if attr is None else attr[1]
            if current == "string":
                if attr is None:
                    node.text = "code"
                else:
                    attr[1] = "code"
                bound += 1
            elif current not in ("code", "xml:lang"):
                # Codelist on a typed node (or on element-only content): keep the XSD's type.
                report["untyped"].append("%s (%s)" % ("/".join(_path), current))
    report["bound"] = bound


# ---- output ------------------------------------------------------------------------------------------

def render(root, version):
    lines = [
        "# projconv schema: IATI activity standard %s, generated by tools/gen_schema.py from the official XSD."
        " Do not edit." % version,
        "schema %s %s" % (root.name, version),
    ]

    def emit(node, depth):
        pad = "  " * depth
        line = "%s%s %d..%s text=%s" % (pad, node.name, node.lo, "n" if node.hi is None else node.hi, node.text)
        if node.any_elements:
            line += " any-elements"
        if node.any_attributes:
            line += " any-attributes"
        lines.append(line)
        for name, typ, required in node.attrs:
            lines.append("%s  @%s %s %s" % (pad, name, typ, "required" if required else "optional"))
        for child in node.children:
            emit(child, depth + 1)
    emit(root, 0)
    return "\n".join(lines) + "\n"


def count(node, acc):
    acc["elements"] += 1
    acc["attributes"] += len(node.attrs)
    acc["names"].add(node.name)
    acc["depth"] = max(acc["depth"], acc["_d"])
    acc["_d"] += 1
    for child in node.children:
        count(child, acc)
    acc["_d"] -= 1


def main(argv=None):
    ap = argparse.ArgumentParser(description="Generate projconv's flattened IATI activity schema from the XSD.")
    ap.add_argument("--xsd-dir", default=DEFAULT_XSD_DIR, help="directory holding %s" % ACTIVITY_FILE)
    ap.add_argument("--mapping", default=DEFAULT_MAPPING, help="codelist mapping.xml")
    ap.add_argument("--out", default=DEFAULT_OUT, help="output file, or - for stdout")
    ap.add_argument("-v", "--verbose", action="store_true", help="print a summary to stderr")
    args = ap.parse_args(argv)

    try:
        schema = Schema()
        schema.load(os.path.join(args.xsd_dir, ACTIVITY_FILE), None)
        if not schema.version:
            raise SchemaError("%s has no version attribute" % ACTIVITY_FILE)
        decl = schema.lookup("element", None, ROOT_ELEMENT, ACTIVITY_FILE)
        root = schema.element(decl, [], ROOT_ELEMENT, top=True)
        report = {"skipped": [], "untyped": [], "bound": 0}
        mapping = read_mapping(args.mapping)
        apply_codelists(root, mapping, report)
        text = render(root, schema.version)
    except SchemaError as exc:
        print("gen_schema.py: error: %s" % exc, file=sys.stderr)
        return 1

    data = text.encode("utf-8")
    if args.out == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    else:
        out_dir = os.path.dirname(os.path.abspath(args.out))
        os.makedirs(out_dir, exist_ok=True)
        # Write-then-rename so a failed run never leaves a truncated schema behind.
        tmp = args.out + ".tmp"
        with open(tmp, "wb") as fh:
            fh.write(data)
        os.replace(tmp, args.out)

    if args.verbose:
        acc = {"elements": 0, "attributes": 0, "names": set(), "depth": 0, "_d": 0}
        count(root, acc)
        print("gen_schema.py: IATI %s: %d element lines (%d distinct names), %d attribute lines, max depth %d"
              % (schema.version, acc["elements"], len(acc["names"]), acc["attributes"], acc["depth"]),
              file=sys.stderr)
        print("gen_schema.py: %d mapping paths, %d nodes retyped string->code, %d organisation paths ignored"
              % (len(mapping), report["bound"], len(report["skipped"])), file=sys.stderr)
        for item in report["untyped"]:
            print("gen_schema.py: note: codelist on non-string node kept its type: %s" % item, file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
