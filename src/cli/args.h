// Minimal argument parsing shared by the commands: flags, options with values, positionals.
#pragma once
#include <map>
#include <set>
#include <string>
#include <vector>

namespace sagsindeks::cli {

struct Args {
  std::vector<std::string> positional;
  std::map<std::string, std::string> options;  // "--limit" -> "20"
  std::set<std::string> flags;                 // "--jsonl"
  std::string error;                           // non-empty when parsing failed
  bool has(const std::string& f) const { return flags.count(f) > 0; }
  std::string get(const std::string& o, const std::string& def = "") const {
    auto it = options.find(o);
    return it == options.end() ? def : it->second;
  }
};

// `with_value` lists options that take a value ("--limit 20" or "--limit=20"); every other
// "--x" is a flag, checked against `known_flags`. "-j4" / "-j 4" is "--jobs".
Args parse(const std::vector<std::string>& argv, const std::set<std::string>& with_value,
           const std::set<std::string>& known_flags);

// Parses a whole number in [lo, hi]; false when it is not one.
bool parse_int(const std::string& s, long lo, long hi, long& out);

}  // namespace sagsindeks::cli
