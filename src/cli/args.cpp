// Argument parsing for every command.
#include "cli/args.h"

#include "core/lexicon.h"


namespace sagsindeks::cli {

Args parse(const std::vector<std::string>& argv, const std::set<std::string>& with_value,
           const std::set<std::string>& known_flags) {
  Args a;
  for (size_t i = 0; i < argv.size(); ++i) {
    std::string s = argv[i];
    if (s == "--") {
      for (++i; i < argv.size(); ++i) a.positional.push_back(argv[i]);
      break;
    }
    if (s.rfind("-j", 0) == 0 && s.size() > 2 && s[2] != '-') s = "--jobs=" + s.substr(2);
    else if (s == "-j") s = "--jobs";
    else if (s == "-h") s = "--help";
    if (s.size() > 2 && s.rfind("--", 0) == 0) {
      std::string name = s, value;
      size_t eq = s.find('=');
      bool inline_value = eq != std::string::npos;
      if (inline_value) {
        name = s.substr(0, eq);
        value = s.substr(eq + 1);
      }
      if (with_value.count(name)) {
        if (!inline_value) {
          if (i + 1 >= argv.size()) {
            a.error = name + " needs a value";
            return a;
          }
          value = argv[++i];
        }
        a.options[name] = value;
      } else if (known_flags.count(name) && !inline_value) {
        a.flags.insert(name);
      } else {
        a.error = "unknown option " + name;
        return a;
      }
    } else {
      a.positional.push_back(s);
    }
  }
  return a;
}

bool parse_int(const std::string& s, long lo, long hi, long& out) { return parse_long(s, lo, hi, out); }

}  // namespace sagsindeks::cli
