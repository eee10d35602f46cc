#!/usr/bin/env python3
"""Generates the AMQP 0-9-1 method structs, codecs and constants from the spec JSON.

Usage: generate.py SPEC_JSON [--out DIR]

SPEC_JSON is RabbitMQ's machine-readable spec (amqp-rabbitmq-0.9.1.json); DIR defaults
to protocol/generated beside this script. The output is committed; check.sh verifies
it is up to date. Standard library only.
"""

import argparse
import json
import pathlib
import sys

BANNER = "// generated from the AMQP spec by protocol/codegen; do not edit\n"

# Spec type -> (C++ type, writer call, reader call).
TYPES = {
    "octet": ("std::uint8_t", "octet", "octet"),
    "short": ("std::uint16_t", "short_uint", "short_uint"),
    "long": ("std::uint32_t", "long_uint", "long_uint"),
    "longlong": ("std::uint64_t", "longlong_uint", "longlong_uint"),
    "shortstr": ("std::string", "shortstr", "shortstr"),
    "longstr": ("std::string", "longstr", "longstr"),
    "table": ("field_table", "table", "table"),
    "timestamp": ("protocol::timestamp", "stamp", "stamp"),
    "bit": ("bool", None, None),
}


# Methods a broker sends once per message get a *_view twin whose strings are
# borrowed (std::string_view), so the hot path encodes without building strings.
VIEWED = {("basic", "deliver"), ("basic", "get-ok"), ("basic", "return")}
VIEW_TYPES = {"shortstr": "std::string_view", "longstr": "std::string_view"}


def ident(name):
    return name.replace("-", "_")


def struct_name(cls, method):
    return ident(cls["name"]) + "_" + ident(method["name"])


def reply_ident(name):
    """reply_code enumerator: REPLY-SUCCESS -> success, NOT-FOUND -> not_found."""
    return ident(name.lower().removeprefix("reply-"))


def upper_ident(name):
    return name.replace("-", "_").upper()


def resolve_type(arg, domains):
    if "type" in arg:
        return arg["type"]
    kind = arg["domain"]
    while kind in domains and domains[kind] != kind:
        kind = domains[kind]
    return kind


def cpp_default(kind, value):
    if kind in ("table", "shortstr", "longstr") and value is None:
        return ""
    if value is None:
        # Scalars start at zero: a method built field by field never sends garbage.
        return " = false" if kind == "bit" else " = 0"
    if kind == "table":
        return ""
    if kind == "bit":
        return " = true" if value else " = false"
    if kind in ("shortstr", "longstr"):
        return "" if value == "" else " = " + json.dumps(value)
    return " = %d" % value


def arguments(method, domains):
    return [(ident(a["name"]), resolve_type(a, domains), a.get("default-value"))
            for a in method["arguments"]]


def bit_groups(args):
    """Yields ('bits', [names]) for runs of consecutive bits (at most 8 to an octet)
    and ('field', name, kind) for the rest, in wire order."""
    run = []
    for name, kind, _ in args:
        if kind == "bit":
            run.append(name)
            if len(run) == 8:
                yield ("bits", run)
                run = []
            continue
        if run:
            yield ("bits", run)
            run = []
        yield ("field", name, kind)
    if run:
        yield ("bits", run)


def gen_constants(spec):
    out = [BANNER, "#pragma once\n\n#include <cstdint>\n#include <string_view>\n\n",
           "namespace amqp::protocol {\n\n"]
    consts = spec["constants"]
    # Frame constants are the FRAME-* ones without an error class (FRAME-ERROR is a
    # reply code).
    frames = [c for c in consts if c["name"].startswith("FRAME-") and "class" not in c]
    replies = [c for c in consts if c not in frames]

    out.append("inline constexpr std::uint8_t version_major = %d;\n" % spec["major-version"])
    out.append("inline constexpr std::uint8_t version_minor = %d;\n" % spec["minor-version"])
    out.append("inline constexpr std::uint8_t version_revision = %d;\n" % spec["revision"])
    out.append("inline constexpr std::uint16_t default_port = %d;\n\n" % spec["port"])

    out.append("enum class frame_type : std::uint8_t {\n")
    for c in frames:
        if c["name"] in ("FRAME-MIN-SIZE", "FRAME-END"):
            continue
        out.append("    %s = %d,\n" % (ident(c["name"][6:].lower()), c["value"]))
    out.append("};\n\n")
    for c in frames:
        if c["name"] == "FRAME-MIN-SIZE":
            out.append("inline constexpr std::uint32_t frame_min_size = %d;\n" % c["value"])
        if c["name"] == "FRAME-END":
            out.append("inline constexpr std::uint8_t frame_end = 0x%X;\n" % c["value"])
    out.append("\n")

    out.append("enum class reply_code : std::uint16_t {\n")
    for c in replies:
        out.append("    %s = %d,\n" % (reply_ident(c["name"]), c["value"]))
    out.append("};\n\n")

    out.append("// Hard errors close the connection; soft errors close only the channel.\n")
    out.append("constexpr bool is_hard_error(reply_code code) noexcept\n{\n    switch (code) {\n")
    for c in replies:
        if c.get("class") == "hard-error":
            out.append("    case reply_code::%s:\n" % reply_ident(c["name"]))
    out.append("        return true;\n    default:\n        return false;\n    }\n}\n\n")

    out.append("// The name RabbitMQ puts in front of reply texts (\"NOT_FOUND - ...\"); empty for\n"
               "// a code the spec does not define.\n")
    out.append("constexpr std::string_view reply_code_name(reply_code code) noexcept\n{\n"
               "    switch (code) {\n")
    for c in replies:
        out.append("    case reply_code::%s:\n        return \"%s\";\n"
                   % (reply_ident(c["name"]), upper_ident(c["name"])))
    out.append("    }\n    return {};\n}\n\n")

    out.append("namespace class_ids {\n")
    for cls in spec["classes"]:
        out.append("inline constexpr std::uint16_t %s = %d;\n" % (ident(cls["name"]), cls["id"]))
    out.append("}  // namespace class_ids\n\n}  // namespace amqp::protocol\n")
    return "".join(out)


def gen_methods_hpp(spec, domains):
    out = [BANNER, """#pragma once

#include <amqp/protocol/constants.hpp>
#include <amqp/protocol/field_table.hpp>
#include <amqp/protocol/protocol_error.hpp>
#include <amqp/protocol/wire.hpp>

#include <cstdint>
#include <iosfwd>
#include <span>
#include <string>
#include <string_view>
#include <variant>

namespace amqp::protocol {

// A method's identity on the wire: its class id and method id.
struct method_key {
    std::uint16_t class_id = 0;
    std::uint16_t method_id = 0;

    constexpr std::uint32_t packed() const noexcept
    {
        return (std::uint32_t(class_id) << 16) | method_id;
    }
    constexpr bool operator==(const method_key&) const = default;
};

"""]
    names = []
    for cls in spec["classes"]:
        for m in cls["methods"]:
            name = struct_name(cls, m)
            names.append(name)
            out.append("struct %s {\n" % name)
            out.append("    static constexpr method_key key{%d, %d};\n" % (cls["id"], m["id"]))
            out.append("    static constexpr std::string_view name = \"%s.%s\";\n"
                       % (cls["name"], m["name"]))
            out.append("    static constexpr bool synchronous = %s;\n"
                       % ("true" if m.get("synchronous") else "false"))
            out.append("    static constexpr bool has_content = %s;\n"
                       % ("true" if m.get("content") else "false"))
            args = arguments(m, domains)
            if args:
                out.append("\n")
            for arg, kind, default in args:
                out.append("    %s %s%s;\n" % (TYPES[kind][0], arg, cpp_default(kind, default)))
            out.append("\n    bool operator==(const %s&) const = default;\n" % name)
            out.append("\n    // Calls f(name, field) for each argument in wire order; self may be const.\n"
                       "    template <class Self, class F>\n"
                       "    static void fields(Self& self, F&& f)\n    {\n")
            if not args:
                out.append("        (void)self;\n        (void)f;\n")
            for arg, kind, default in args:
                out.append("        f(\"%s\", self.%s);\n" % (arg, arg))
            out.append("    }\n};\n")
            out.append("void encode_arguments(writer& w, const %s& m);\n" % name)
            out.append("bool decode_arguments(reader& r, %s& m);\n" % name)
            out.append("std::ostream& operator<<(std::ostream& os, const %s& m);\n\n" % name)
            if (cls["name"], m["name"]) in VIEWED:
                out.append(gen_view_struct(name, args))

    out.append("// Every method of the protocol, as decoded from a method frame.\n")
    out.append("using method = std::variant<\n    ")
    out.append(",\n    ".join(names))
    out.append(">;\n\n")
    out.append("""inline constexpr std::size_t method_count = std::variant_size_v<method>;

// What the spec says of a method, looked up by id at run time.
struct method_info {
    method_key key;
    std::string_view name;
    bool synchronous;
    bool has_content;
};

// The spec's entry for a method id, or nullptr when the spec defines no such method.
const method_info* find_method_info(method_key key) noexcept;

// The key of whichever method m holds.
method_key key_of(const method& m) noexcept;

// Decodes a method frame payload: class id, method id, then the arguments.
// Errors: 540 NOT_IMPLEMENTED for an id the spec does not define, 502 SYNTAX_ERROR for
// arguments that are truncated, malformed or followed by stray bytes.
result<method> decode_method(std::span<const std::byte> payload);

// Appends class id, method id and arguments (a method frame payload).
void encode_method(writer& w, const method& m);

std::ostream& operator<<(std::ostream& os, const method& m);

}  // namespace amqp::protocol
""")
    return "".join(out)


def view_type(kind):
    if kind in VIEW_TYPES:
        return VIEW_TYPES[kind]
    if kind in ("table", "timestamp"):
        sys.exit("a %s argument has no view type; only strings are borrowed" % kind)
    return TYPES[kind][0]


def gen_view_struct(name, args):
    view = name + "_view"
    out = ["// %s with its strings borrowed: encode_frame writes the same bytes as for the\n"
           "// owning %s, without building strings. The strings must outlive the call.\n"
           % (view, name)]
    out.append("struct %s {\n" % view)
    for member in ("key", "name", "synchronous", "has_content"):
        kind = {"key": "method_key", "name": "std::string_view"}.get(member, "bool")
        out.append("    static constexpr %s %s = %s::%s;\n" % (kind, member, name, member))
    out.append("\n")
    for arg, kind, default in args:
        init = cpp_default(kind, default) if kind not in VIEW_TYPES else ""
        if kind in VIEW_TYPES and default:
            init = " = " + json.dumps(default)
        out.append("    %s %s%s;\n" % (view_type(kind), arg, init))
    out.append("\n    // The owning method, e.g. to print or trace what was sent.\n")
    out.append("    %s owned() const;\n};\n" % name)
    out.append("%s view_of(const %s& m) noexcept;\n" % (view, name))
    out.append("void encode_arguments(writer& w, const %s& m);\n\n" % view)
    return "".join(out)


def gen_encode_body(args):
    out = []
    for group in bit_groups(args):
        if group[0] == "bits":
            out.append("    w.octet(pack_bits(%s));\n"
                       % ", ".join("m." + b for b in group[1]))
        else:
            out.append("    w.%s(m.%s);\n" % (TYPES[group[2]][1], group[1]))
    return "".join(out)


def gen_view_functions(name, args):
    view = name + "_view"
    out = ["%s %s::owned() const\n{\n    %s m;\n" % (name, view, name)]
    for arg, kind, _ in args:
        value = "std::string(%s)" % arg if kind in VIEW_TYPES else arg
        out.append("    m.%s = %s;\n" % (arg, value))
    out.append("    return m;\n}\n\n")
    out.append("%s view_of(const %s& m) noexcept\n{\n    %s v;\n" % (view, name, view))
    for arg, _, _ in args:
        out.append("    v.%s = m.%s;\n" % (arg, arg))
    out.append("    return v;\n}\n\n")
    out.append("void encode_arguments(writer& w, const %s& m)\n{\n" % view)
    out.append(gen_encode_body(args))
    out.append("}\n\n")
    return "".join(out)


def gen_methods_cpp(spec, domains):
    out = [BANNER, """#include <amqp/protocol/methods.hpp>
#include <amqp/protocol/print.hpp>

#include <ostream>

namespace amqp::protocol {

"""]
    entries = []
    for cls in spec["classes"]:
        for m in cls["methods"]:
            name = struct_name(cls, m)
            args = arguments(m, domains)
            entries.append((cls, m, name))

            # encode (through the view when there is one: one encoder for both)
            if (cls["name"], m["name"]) in VIEWED:
                out.append(gen_view_functions(name, args))
                out.append("void encode_arguments(writer& w, const %s& m)\n{\n"
                           "    encode_arguments(w, view_of(m));\n}\n\n" % name)
            else:
                if args:
                    out.append("void encode_arguments(writer& w, const %s& m)\n{\n" % name)
                else:
                    out.append("void encode_arguments(writer&, const %s&)\n{\n" % name)
                out.append(gen_encode_body(args))
                out.append("}\n\n")

            # decode
            if not args:
                out.append("bool decode_arguments(reader&, %s&)\n{\n    return true;\n}\n\n" % name)
            else:
                out.append("bool decode_arguments(reader& r, %s& m)\n{\n" % name)
                for i, group in enumerate(bit_groups(args)):
                    if group[0] == "bits":
                        out.append("    std::uint8_t bits%d;\n" % i)
                        out.append("    if (!r.octet(bits%d)) return false;\n" % i)
                        for bit, b in enumerate(group[1]):
                            out.append("    m.%s = (bits%d & %du) != 0;\n" % (b, i, 1 << bit))
                    else:
                        out.append("    if (!r.%s(m.%s)) return false;\n"
                                   % (TYPES[group[2]][2], group[1]))
                out.append("    return true;\n}\n\n")

            # print
            if not args:
                out.append("std::ostream& operator<<(std::ostream& os, const %s&)\n{\n"
                           "    return os << \"%s.%s\";\n}\n\n" % (name, cls["name"], m["name"]))
            else:
                out.append("std::ostream& operator<<(std::ostream& os, const %s& m)\n{\n" % name)
                out.append("    os << \"%s.%s(\";\n" % (cls["name"], m["name"]))
                for i, (arg, kind, _) in enumerate(args):
                    sep = "" if i == 0 else ", "
                    out.append("    os << \"%s%s=\";\n" % (sep, arg))
                    if kind in ("shortstr", "longstr"):
                        out.append("    print_quoted(os, m.%s);\n" % arg)
                    elif kind == "bit":
                        out.append("    os << (m.%s ? \"true\" : \"false\");\n" % arg)
                    elif kind == "octet":
                        out.append("    os << unsigned(m.%s);\n" % arg)
                    elif kind == "timestamp":
                        out.append("    os << m.%s.time_since_epoch().count();\n" % arg)
                    else:
                        out.append("    os << m.%s;\n" % arg)
                out.append("    return os << ')';\n}\n\n")

    out.append("namespace {\n\nconstexpr method_info method_table[] = {\n")
    for cls, m, name in entries:
        out.append("    {%s::key, %s::name, %s::synchronous, %s::has_content},\n"
                   % (name, name, name, name))
    out.append("};\n\n")
    out.append("""template <class M>
result<method> decode_as(reader& r)
{
    M m;
    if (!decode_arguments(r, m)) {
        return protocol_error{reply_code::syntax_error,
                              std::string(M::name) + " arguments: " + r.failure(),
                              M::key.class_id, M::key.method_id};
    }
    if (!r.at_end()) {
        return protocol_error{reply_code::syntax_error,
                              std::string(M::name) + " arguments: " +
                                  std::to_string(r.remaining()) + " stray bytes after the last argument",
                              M::key.class_id, M::key.method_id};
    }
    return method{std::move(m)};
}

}  // namespace

const method_info* find_method_info(method_key key) noexcept
{
    switch (key.packed()) {
""")
    for i, (cls, m, name) in enumerate(entries):
        out.append("    case %s::key.packed():\n        return &method_table[%d];\n" % (name, i))
    out.append("""    default:
        return nullptr;
    }
}

method_key key_of(const method& m) noexcept
{
    return std::visit([](const auto& alternative) { return alternative.key; }, m);
}

result<method> decode_method(std::span<const std::byte> payload)
{
    reader r(payload);
    method_key key;
    if (!r.short_uint(key.class_id) || !r.short_uint(key.method_id)) {
        return protocol_error{reply_code::syntax_error,
                              "method frame of " + std::to_string(payload.size()) +
                                  " bytes is too short for a class id and method id"};
    }
    switch (key.packed()) {
""")
    for cls, m, name in entries:
        out.append("    case %s::key.packed():\n        return decode_as<%s>(r);\n" % (name, name))
    out.append("""    default:
        return protocol_error{reply_code::not_implemented,
                              "unknown method " + std::to_string(key.class_id) + "." +
                                  std::to_string(key.method_id),
                              key.class_id, key.method_id};
    }
}

void encode_method(writer& w, const method& m)
{
    std::visit(
        [&w](const auto& alternative) {
            w.short_uint(alternative.key.class_id);
            w.short_uint(alternative.key.method_id);
            encode_arguments(w, alternative);
        },
        m);
}

std::ostream& operator<<(std::ostream& os, const method& m)
{
    std::visit([&os](const auto& alternative) { os << alternative; }, m);
    return os;
}

}  // namespace amqp::protocol
""")
    return "".join(out)


def content_properties(spec, domains):
    for cls in spec["classes"]:
        props = cls.get("properties") or []
        if props:
            yield cls, [(ident(p["name"]), resolve_type(p, domains)) for p in props]


def gen_properties_hpp(spec, domains):
    out = [BANNER, """#pragma once

#include <amqp/protocol/field_table.hpp>
#include <amqp/protocol/protocol_error.hpp>
#include <amqp/protocol/wire.hpp>

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>

namespace amqp::protocol {
"""]
    for cls, props in content_properties(spec, domains):
        name = ident(cls["name"]) + "_properties"
        out.append("\n// The content properties of class %s; an absent property is std::nullopt\n"
                   "// and costs nothing on the wire.\nstruct %s {\n" % (cls["name"], name))
        out.append("    static constexpr std::uint16_t class_id = %d;\n\n" % cls["id"])
        for prop, kind in props:
            out.append("    std::optional<%s> %s;\n" % (TYPES[kind][0], prop))
        out.append("\n    bool operator==(const %s&) const = default;\n};\n\n" % name)
        out.append("// The property-flags word: bit 15 for the first property, downwards.\n")
        out.append("std::uint16_t property_flags(const %s& p) noexcept;\n" % name)
        out.append("// Appends the flags word and the present properties.\n")
        out.append("void encode_properties(writer& w, const %s& p);\n" % name)
        out.append("// Reads the flags word and the properties it announces; fails on flags for\n"
                   "// properties the class does not have.\n")
        out.append("bool decode_properties(reader& r, %s& p);\n" % name)
        out.append("std::ostream& operator<<(std::ostream& os, const %s& p);\n" % name)
    out.append("\n}  // namespace amqp::protocol\n")
    return "".join(out)


def gen_properties_cpp(spec, domains):
    out = [BANNER, """#include <amqp/protocol/basic_properties.hpp>
#include <amqp/protocol/print.hpp>

#include <ostream>

namespace amqp::protocol {
"""]
    for cls, props in content_properties(spec, domains):
        if len(props) > 15:
            sys.exit("more than 15 properties need flag continuation words, not generated")
        name = ident(cls["name"]) + "_properties"
        known = 0
        for i in range(len(props)):
            known |= 1 << (15 - i)
        out.append("\nstd::uint16_t property_flags(const %s& p) noexcept\n{\n"
                   "    std::uint16_t flags = 0;\n" % name)
        for i, (prop, _) in enumerate(props):
            out.append("    if (p.%s) flags |= 0x%04X;\n" % (prop, 1 << (15 - i)))
        out.append("    return flags;\n}\n\n")

        out.append("void encode_properties(writer& w, const %s& p)\n{\n"
                   "    w.short_uint(property_flags(p));\n" % name)
        for prop, kind in props:
            out.append("    if (p.%s) w.%s(*p.%s);\n" % (prop, TYPES[kind][1], prop))
        out.append("}\n\n")

        out.append("bool decode_properties(reader& r, %s& p)\n{\n"
                   "    std::uint16_t flags;\n"
                   "    if (!r.short_uint(flags)) return false;\n"
                   "    if ((flags & 0x%04X) != 0) {\n"
                   "        r.fail(\"property flags name properties class %s does not have\");\n"
                   "        return false;\n    }\n" % (name, (~known) & 0xFFFF, cls["name"]))
        for i, (prop, kind) in enumerate(props):
            out.append("    if ((flags & 0x%04X) != 0 && !r.%s(p.%s.emplace())) return false;\n"
                       % (1 << (15 - i), TYPES[kind][2], prop))
        out.append("    return true;\n}\n\n")

        out.append("std::ostream& operator<<(std::ostream& os, const %s& p)\n{\n"
                   "    os << '{';\n    const char* sep = \"\";\n" % name)
        for prop, kind in props:
            out.append("    if (p.%s) {\n        os << sep << \"%s=\";\n" % (prop, prop))
            if kind in ("shortstr", "longstr"):
                out.append("        print_quoted(os, *p.%s);\n" % prop)
            elif kind == "octet":
                out.append("        os << unsigned(*p.%s);\n" % prop)
            elif kind == "timestamp":
                out.append("        os << p.%s->time_since_epoch().count();\n" % prop)
            else:
                out.append("        os << *p.%s;\n" % prop)
            out.append("        sep = \", \";\n    }\n")
        out.append("    return os << '}';\n}\n")
    out.append("\n}  // namespace amqp::protocol\n")
    return "".join(out)


def main():
    here = pathlib.Path(__file__).resolve().parent
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("spec", type=pathlib.Path)
    parser.add_argument("--out", type=pathlib.Path, default=here.parent / "generated")
    args = parser.parse_args()

    spec = json.loads(args.spec.read_text())
    domains = {name: kind for name, kind in spec["domains"]}
    include = args.out / "amqp" / "protocol"
    include.mkdir(parents=True, exist_ok=True)
    files = {
        include / "constants.hpp": gen_constants(spec),
        include / "methods.hpp": gen_methods_hpp(spec, domains),
        include / "basic_properties.hpp": gen_properties_hpp(spec, domains),
        args.out / "methods.cpp": gen_methods_cpp(spec, domains),
        args.out / "basic_properties.cpp": gen_properties_cpp(spec, domains),
    }
    for path, text in files.items():
        path.write_text(text)


if __name__ == "__main__":
    main()
