#!/usr/bin/env python3
"""What costs the bytes in the static probe: two views, printed as Markdown.

1. By origin, from the GNU ld link map (-Wl,-Map): bytes each input file or archive member puts into
   the loaded sections (.text, .rodata, .eh_frame, .data...). With LTO, the project's code and the
   header-only libraries (cpp-httplib, nlohmann/json, spdlog, fmt) all arrive as "ltrans" objects.
2. By symbol, from `nm --size-sort -S -C` on an UNstripped link: symbol sizes grouped into buckets
   by name (std::regex, locale/iostreams, httplib, json, spdlog, fmt, glibc's NSS/dlopen, ...).
   Symbol sizes cover code and data but not .eh_frame (about 10% of the file).

Usage: sizemap.py --map healthprobe.map [--binary healthprobe.unstripped] [--top 25]
"""

import argparse
import collections
import os
import re
import subprocess

# Output sections that take no bytes in the file, or are not loaded.
SKIP_OUT = re.compile(r"^\.(bss|tbss)$|^\.(comment|debug|note\.stapsdt|gnu\.build\.attributes|symtab|strtab)")
INPUT = re.compile(r"^ (\S+)?\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)\s+(\S.*)$")

# Symbol buckets, first match wins (demangled names).
BUCKETS = [
    ("std::regex (from cpp-httplib)", r"std::__detail::|regex|std::__cxx11::sub_match|match_results"),
    ("libstdc++ locale facets + iostreams", r"^std::(__cxx11::)?(locale|time_get|time_put|money_get|money_put|"
     r"moneypunct|numpunct|num_get|num_put|ctype|codecvt|collate|messages|__timepunct|basic_ios|"
     r"basic_[io]?stream|basic_iostream|basic_streambuf|basic_[io]?stringstream|basic_stringbuf|"
     r"basic_filebuf|basic_[io]?fstream|ios_base|istreambuf_iterator|ostreambuf_iterator|__basic_file|"
     r"__codecvt|__moneypunct_cache|__numpunct_cache|use_facet|has_facet|__ctype|__use_cache|"
     r"__convert_|__num_base|__verify_grouping|__int_to_char|__add_grouping|__pad|_Setfill|wstring_convert|"
     r"wbuffer_convert|cin|cout|cerr|clog|wcin|wcout|wcerr|wclog|operator<<|operator>>|endl|flush|ws)|"
     r"^__gnu_cxx::(stdio_(sync_)?filebuf)|locale|facet|^__gnu_cxx::__(pool|freeres)|"
     r"^\(anonymous namespace\)::(generic_|utf8_|utf16|ucs|range|read_utf|write_utf|__codecvt)|"
     r"^std::__throw_ios_failure|^std::ios_base|_GLOBAL__sub_I_(locale|ios)"),
    ("cpp-httplib", r"httplib::"),
    ("nlohmann/json", r"nlohmann::"),
    ("spdlog", r"spdlog::"),
    ("fmt", r"^fmt::|fmt::v9"),
    ("healthprobe (project code)", r"healthprobe::|^main$"),
    ("C++ demangler (verbose terminate handler)", r"^d_|__cxa_demangle|__gcclibcxx_demangle|cplus_demangle"),
    ("libstdc++/libsupc++ other (strings, exceptions, RTTI, threads)", r"^std::|^__cxxabiv1|^__cxa_|^__gnu_cxx|"
     r"typeinfo|vtable for|^__gxx|^_Unwind|^__gcc_|^__deregister|^__register|^__frame_state|^uw_|^execute_cfa|"
     r"^search_object|^fde_|^classify_object|^read_encoded|^get_cie|^linear_search|^init_object|^frame_|"
     r"^__emutls|^guard variable"),
    ("glibc NSS + getaddrinfo + static dlopen", r"nss|^_dl_|^__dl|^_dl|^dl_|^__libc_dl|getaddrinfo|gaih|"
     r"^__?res_|^__?ns_|^__?inet|resolv|^__?nscd|^_nl_load|^__libc_dlopen|^__libc_dlsym|hosts|^__gethost|"
     r"^gethost|^__idna|^__?getservby|^__?getpw|^__?getgr|^rtld|^_rtld|^__rtld|^__tunable|^_dl_|^do_lookup|"
     r"^check_match|^elf_|^_dlfo|^__resolv|^__check_pf|^make_request|^__netlink|^__getifaddrs|^__libc_early|"
     r"^send_dg|^send_vc|^internal_getent|getnameinfo|^gaiconf|getifaddrs|nscd|^rfc3484|^__idna"),
    ("glibc printf/scanf/strtod", r"printf|scanf|^__?strto|^____strto|^__mpn|^__tens|^_itoa|^_fitoa|^__printf|"
     r"^__?_?IO_|^_IO|^__parse_one_spec|^round_and_return|^str_to_mpn|^__?wcsto|^hack_digit|^__correctly|"
     r"^group_number|^_i18n|^__guess_grouping"),
    ("glibc locale/iconv/wide chars", r"translit|gconv|^__?wcs|^__?wmem|^__?mbs|^__?mbr|^__?wcr|^__?btowc|"
     r"^__?wctob|^__?wcwidth|^_nl_|locale|^__?strcoll|^__?strxfrm|^__?wcscoll|^__?wcsxfrm|iconv|^__?strftime|"
     r"^__?tz|^__?tzfile|^__?time|^__?localtime|^__offtime|^__?wctype|^__?towlower|^__?towupper|^__?iswctype|"
     r"^__collidx|^__?findidx|^_nl_C|^__?ctype|^__?newlocale|^__?duplocale|^__?freelocale|^__?uselocale|"
     r"^__?setlocale|^__?langinfo|^__?nl_langinfo|^__?catgets|^__?catopen|^__?dcgettext|^__?dcigettext|"
     r"^__?gettext|^__?dgettext|^__?ngettext|^__?textdomain|^__?bindtextdomain|^_nl_|^plural|^__gettext"),
]
BUCKETS = [(name, re.compile(rx)) for name, rx in BUCKETS]


def parse_map(path):
    """Yields (output_section, input_section, size, source) for every input section in the map."""
    in_map, out_sec, pending = False, None, None
    with open(path, errors="replace") as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith(("Linker script and memory map", "Memory map")):  # GNU ld, gold
                in_map = True
                continue
            if not in_map or not line:
                continue
            if line[0] == ".":  # an output section, maybe with its address and size on the same line
                out_sec = line.split()[0]
                continue
            if re.match(r"^ \S+$", line):  # a long input section name; its numbers follow on the next line
                pending = line.strip()
                continue
            m = INPUT.match(line)
            if m and out_sec and not SKIP_OUT.search(out_sec):
                name = m.group(1) or pending
                pending = None
                if name and name.startswith("*"):  # *fill* and the like
                    continue
                yield out_sec, name, int(m.group(3), 16), m.group(4).strip()
            else:
                pending = None


def origin(source):
    """(group, member) for a map source such as /usr/lib/.../libc.a(getaddrinfo.o)."""
    m = re.match(r"(.*/)?([^/(]+)\((.*)\)$", source)
    if m:
        return m.group(2), m.group(3)
    base = os.path.basename(source)
    if "ltrans" in base:
        return "LTO output: project + header-only libs", base
    return base, base


def by_origin(path):
    groups, members, out_secs = collections.Counter(), collections.Counter(), collections.Counter()
    for out_sec, _, size, source in parse_map(path):
        g, mem = origin(source)
        groups[g] += size
        members[(g, mem)] += size
        out_secs[out_sec] += size
    return groups, members, out_secs


def by_symbol(binary):
    out = subprocess.run(["nm", "--size-sort", "-S", "-C", binary], capture_output=True, text=True, check=True)
    seen, syms = set(), []
    for line in out.stdout.splitlines():
        parts = line.split(None, 3)
        if len(parts) < 4 or parts[2] in "bBuUwv":  # bss takes no file bytes
            continue
        addr, size, kind, name = parts
        if addr in seen:  # aliases (T and W, .localalias clones) share one body
            continue
        seen.add(addr)
        syms.append((int(size, 16), name.replace(" [clone .localalias]", "")))
    buckets = collections.Counter()
    for size, name in syms:
        bucket = next((b for b, rx in BUCKETS if rx.search(name)), "glibc other (startup, malloc, string, stdio)")
        buckets[bucket] += size
    return buckets, sorted(syms, reverse=True)


def kib(n):
    return f"{n / 1024:,.1f}"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--map", required=True)
    ap.add_argument("--binary", help="an unstripped link of the same program")
    ap.add_argument("--top", type=int, default=25)
    args = ap.parse_args()

    groups, members, out_secs = by_origin(args.map)
    total = sum(groups.values())
    print(f"Loaded bytes in the link map: {total:,} ({kib(total)} KiB)\n")
    print("| output section | KiB |\n|---|---:|")
    for sec, size in out_secs.most_common(8):
        print(f"| `{sec}` | {kib(size)} |")
    print("\n| origin (link map) | KiB | share |\n|---|---:|---:|")
    for g, size in groups.most_common(10):
        print(f"| {g} | {kib(size)} | {100 * size / total:.1f}% |")
    print(f"\nTop {args.top} archive members and LTO objects (link map):\n\n| origin | member | KiB |\n|---|---|---:|")
    for (g, mem), size in members.most_common(args.top):
        print(f"| {g} | {mem} | {kib(size)} |")

    if args.binary:
        buckets, syms = by_symbol(args.binary)
        stotal = sum(buckets.values())
        print(f"\nBy symbol (`nm --size-sort -S -C`, unstripped link; {kib(stotal)} KiB in symbols):\n")
        print("| bucket | KiB | share |\n|---|---:|---:|")
        for b, size in buckets.most_common():
            print(f"| {b} | {kib(size)} | {100 * size / stotal:.1f}% |")
        print(f"\nTop {args.top} symbols:\n\n| KiB | symbol |\n|---:|---|")
        for size, name in syms[: args.top]:
            short = name if len(name) <= 110 else name[:107] + "..."
            print(f"| {kib(size)} | `{short}` |")


if __name__ == "__main__":
    main()
