// Scorer: the same value normalisation as score.py (NFC, case-folded, spaces removed for values).
#include "analysis/evaluate.h"

#include <unicode/normalizer2.h>
#include <unicode/unistr.h>

#include <cstdio>
#include <set>

#include "core/text.h"

namespace sagsindeks {

namespace {

using json = nlohmann::json;

std::string fold(const std::string& s) {
  UErrorCode st = U_ZERO_ERROR;
  icu::UnicodeString u = icu::UnicodeString::fromUTF8(s);
  const icu::Normalizer2* nfc = icu::Normalizer2::getNFCInstance(st);
  if (U_SUCCESS(st)) u = nfc->normalize(u, st);
  u.foldCase();
  std::string out;
  u.toUTF8String(out);
  for (auto& c : out)
    if (c == '\t' || c == '\n') c = ' ';
  std::string r;
  size_t p = 0;
  // NBSP -> space, then collapse.
  while ((p = out.find("\xC2\xA0")) != std::string::npos) out.replace(p, 2, " ");
  r = text::squash_spaces(out);
  return r;
}

std::string nospace(const std::string& s) { return text::strip_spaces(fold(s)); }

std::string str(const json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_null()) return "";
  return v.dump();
}

std::set<std::string> values(const json& items, const char* key = "value") {
  std::set<std::string> out;
  if (!items.is_array()) return out;
  for (const auto& it : items) {
    json v = it.is_object() ? (it.contains(key) ? it[key] : json()) : it;
    if (!v.is_null()) out.insert(nospace(str(v)));
  }
  return out;
}

std::string code_of(const json& m, const Gazetteer& g) {
  if (m.is_null()) return "null";
  json v = m;
  if (m.is_object()) v = m.contains("code") && !m["code"].is_null() ? m["code"] : m.value("name", json());
  if (v.is_null()) return "null";
  std::string s = str(v);
  if (const Municipality* mm = g.lookup(s)) return mm->code;
  std::string z = s;
  while (z.size() < 4 && !z.empty() && std::isdigit(static_cast<unsigned char>(z[0]))) z = "0" + z;
  if (const Municipality* mm = g.lookup(z)) return mm->code;
  return "unknown:" + fold(s);
}

struct Fields {
  std::map<std::string, std::set<std::string>> sets;
  std::optional<std::string> type, date;
  bool has_date = false;
};

Fields pred_fields(const json& p, const Gazetteer& g) {
  Fields f;
  if (p.contains("type")) {
    const json& t = p["type"];
    f.type = t.is_object() ? str(t.value("label", json())) : str(t);
  }
  if (p.contains("document_date") && !p["document_date"].is_null()) f.date = str(p["document_date"]);
  f.sets["dates"] = values(p.value("dates", json::array()));
  f.sets["case_numbers"] = values(p.value("case_numbers", json::array()));
  f.sets["document_numbers"] = values(p.value("document_numbers", json::array()));
  for (const auto& m : p.value("mayors", json::array())) {
    std::string n = fold(str(m.value("name", json(""))));
    f.sets["mayors"].insert(n);
    f.sets["mayor_pairs"].insert(n + "|" + code_of(m.value("municipality", json()), g));
  }
  f.sets["mayors"];
  f.sets["mayor_pairs"];
  for (const auto& m : p.value("municipalities", json::array())) f.sets["municipalities"].insert(code_of(m, g));
  f.sets["municipalities"];
  for (const auto& e : p.value("exemptions", json::array())) f.sets["exemption_areas"].insert(fold(str(e.value("area", json("")))));
  f.sets["exemption_areas"];
  const json pq = p.contains("parliamentary_question") && p["parliamentary_question"].is_object() ? p["parliamentary_question"] : json::object();
  if (pq.contains("number") && !pq["number"].is_null() && !str(pq["number"]).empty()) f.sets["pq_number"].insert(nospace(str(pq["number"])));
  f.sets["pq_number"];
  for (const auto& s : p.value("signatories", json::array()))
    f.sets["signatories"].insert(fold(s.is_object() ? str(s.value("name", json(""))) : str(s)));
  f.sets["signatories"];
  return f;
}

Fields gold_fields(const json& gl, const Gazetteer& g) {
  Fields all = pred_fields(gl, g);
  Fields f;
  f.type = all.type;
  f.has_date = gl.contains("document_date");
  f.date = all.date;
  auto keep = [&](const char* key, std::initializer_list<const char*> fields) {
    if (!gl.contains(key)) return;
    for (const char* k : fields) f.sets[k] = all.sets[k];
  };
  keep("dates", {"dates"});
  keep("case_numbers", {"case_numbers"});
  keep("document_numbers", {"document_numbers"});
  keep("mayors", {"mayors", "mayor_pairs"});
  keep("municipalities", {"municipalities"});
  keep("exemptions", {"exemption_areas"});
  keep("parliamentary_question", {"pq_number"});
  keep("signatories", {"signatories"});
  return f;
}

std::map<std::string, std::set<std::string>> optional_fields(const json& gl, const Gazetteer& g) {
  std::map<std::string, std::set<std::string>> o;
  if (!gl.contains("optional") || !gl["optional"].is_object()) return o;
  const json& op = gl["optional"];
  o["dates"] = values(op.value("dates", json::array()));
  o["case_numbers"] = values(op.value("case_numbers", json::array()));
  o["document_numbers"] = values(op.value("document_numbers", json::array()));
  for (const auto& m : op.value("municipalities", json::array())) o["municipalities"].insert(code_of(m, g));
  // score.py compares optional mayors against whole names (a dict there never matches a name).
  for (const auto& m : op.value("mayors", json::array())) o["mayors"].insert(m.is_string() ? fold(str(m)) : m.dump());
  for (const auto& s : op.value("signatories", json::array())) o["signatories"].insert(fold(str(s)));
  return o;
}

std::string join(const std::set<std::string>& s) {
  std::string out = "[";
  for (const auto& v : s) out += (out.size() > 1 ? ", " : "") + v;
  return out + "]";
}

}  // namespace

Evaluation evaluate(const std::vector<json>& gold, const std::map<std::string, json>& pred, const Gazetteer& g) {
  Evaluation ev;
  for (const auto& gl : gold) {
    ++ev.docs;
    std::string doc = gl.value("doc", "");
    auto it = pred.find(doc);
    json p = it == pred.end() ? json::object() : it->second;
    if (it == pred.end()) ++ev.missing;
    if (p.contains("error")) ++ev.errors;
    Fields pf = pred_fields(p, g), gf = gold_fields(gl, g);
    auto opt = optional_fields(gl, g);
    if (gl.contains("type")) {
      ++ev.type_n;
      std::set<std::string> ok{str(gl["type"])};
      for (const auto& t : gl.value("type_also", json::array())) ok.insert(str(t));
      if (pf.type && ok.count(*pf.type)) ++ev.type_ok;
      else ev.differences.push_back(doc + ": type gold " + str(gl["type"]) + " pred " + pf.type.value_or("none"));
    }
    if (gf.has_date) {
      ++ev.date_n;
      if (pf.date == gf.date) ++ev.date_ok;
      else ev.differences.push_back(doc + ": document_date gold " + gf.date.value_or("null") + " pred " + pf.date.value_or("null"));
    }
    for (auto& [k, gv] : gf.sets) {
      auto pv = pf.sets[k];
      auto gs = gv;
      if (opt.count(k)) {
        for (const auto& o : opt[k]) {
          pv.erase(o);
          gs.erase(o);
        }
      }
      auto& c = ev.fields[k];
      std::set<std::string> missed, extra;
      for (const auto& v : gs) (pv.count(v) ? c.tp : c.fn) += 1, pv.count(v) ? void() : void(missed.insert(v));
      for (const auto& v : pv)
        if (!gs.count(v)) ++c.fp, extra.insert(v);
      if (!missed.empty() || !extra.empty())
        ev.differences.push_back(doc + ": " + k + " missed " + join(missed) + " extra " + join(extra));
    }
  }
  return ev;
}

std::string format_evaluation(const Evaluation& e) {
  char buf[256];
  std::string out;
  std::snprintf(buf, sizeof buf, "docs %d  missing %d  errors %d\n", e.docs, e.missing, e.errors);
  out += buf;
  std::snprintf(buf, sizeof buf, "type accuracy %.3f\ndocument_date accuracy %.3f\n", e.type_accuracy(), e.date_accuracy());
  out += buf;
  for (const auto& [k, v] : e.fields) {
    std::snprintf(buf, sizeof buf, "%-18s P %.3f  R %.3f  F1 %.3f   (tp %ld fp %ld fn %ld)\n", k.c_str(), v.precision(),
                  v.recall(), v.f1(), v.tp, v.fp, v.fn);
    out += buf;
  }
  return out;
}

nlohmann::ordered_json evaluation_json(const Evaluation& e) {
  nlohmann::ordered_json j;
  j["docs"] = e.docs;
  j["missing"] = e.missing;
  j["errors"] = e.errors;
  j["type_accuracy"] = e.type_accuracy();
  j["document_date_accuracy"] = e.date_accuracy();
  for (const auto& [k, v] : e.fields)
    j["fields"][k] = {{"p", v.precision()}, {"r", v.recall()}, {"f1", v.f1()}, {"tp", v.tp}, {"fp", v.fp}, {"fn", v.fn}};
  return j;
}

}  // namespace sagsindeks
