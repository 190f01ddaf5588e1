#include "healthprobe/checks/venv_check.h"

#include <sys/stat.h>
#include <unistd.h>

#include <set>

#include "healthprobe/checks/posix_files.h"
#include "healthprobe/parsing/dist_name.h"
#include "healthprobe/parsing/pyvenv_cfg.h"
#include "healthprobe/reporting/text.h"

namespace healthprobe {
namespace {

constexpr size_t kCfgLimit = size_t{64} * 1024;  // a real pyvenv.cfg is a few hundred bytes

Observation python(Status status, std::string output) {
  Observation observation{"venv", "python"};
  observation.status = status;
  observation.output = std::move(output);
  return observation;
}

std::string basename_of(const std::string &path) {
  const auto slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

// "python3.11" -> "3.11"; "" for names without a minor version ("python3", "python").
std::string version_in_name(const std::string &name) {
  constexpr std::string_view kPrefix = "python";
  if (name.rfind(kPrefix, 0) != 0) return "";
  const std::string version = name.substr(kPrefix.size());
  return version.find('.') == std::string::npos ? "" : version;
}

std::string joined(const std::vector<std::string> &items) {
  std::string out;
  for (const auto &item : items) out += (out.empty() ? "" : ", ") + printable(item, 60);
  return out;
}

}  // namespace

std::vector<Observation> VenvCheck::run(const Deadline & /*deadline*/,
                                        Interruption & /*interruption*/) {
  if (!is_directory(venv_)) {
    return {python(Status::Fail, "venv " + venv_ + " is not a directory")};
  }
  const std::string cfg_path = venv_ + "/pyvenv.cfg";
  int error = 0;
  const auto cfg_text = read_small_file(cfg_path, kCfgLimit, error);
  if (!cfg_text) {
    return {python(Status::Fail, "cannot read " + cfg_path + ": " + errno_text(error) +
                                     " (not a venv, or a broken copy of one)")};
  }
  PyvenvCfgError cfg_error;
  const auto cfg = parse_pyvenv_cfg(*cfg_text, cfg_error);
  if (!cfg) return {python(Status::Fail, cfg_path + " " + cfg_error.message)};
  if (!is_directory(cfg->home)) {
    return {python(Status::Fail,
                   "pyvenv.cfg home " + printable(cfg->home, 200) +
                       " does not exist: the venv was made with an interpreter this image lacks")};
  }

  const std::string interpreter = venv_ + "/bin/python";
  const SymlinkResolution resolved = resolve_symlinks(interpreter);
  if (!resolved.ok) {
    std::string output = interpreter;
    if (resolved.followed_link) output += " -> " + resolved.final_path;
    output += ": " + errno_text(resolved.error);
    if (resolved.error == ENOENT && resolved.followed_link) {
      output +=
          "; dangling: the venv points at an interpreter path that exists only where it was built";
    }
    return {python(Status::Fail, output)};
  }
  struct stat info {};
  if (::stat(resolved.final_path.c_str(), &info) != 0 || !S_ISREG(info.st_mode) ||
      ::access(resolved.final_path.c_str(), X_OK) != 0) {
    return {python(Status::Fail, interpreter + " resolves to " + resolved.final_path +
                                     ", which is not an executable file for this user")};
  }
  const std::string version = cfg->major_minor();
  const std::string named = version_in_name(basename_of(resolved.final_path));
  if (!named.empty() && named != version) {
    return {python(Status::Fail, interpreter + " resolves to " + resolved.final_path +
                                     " but pyvenv.cfg says " + cfg->version +
                                     ": the venv was built for another Python")};
  }
  const std::string site_packages = venv_ + "/lib/python" + version + "/site-packages";
  if (!is_directory(site_packages)) {
    std::vector<std::string> present;
    if (auto entries = list_directory(venv_ + "/lib", error)) present = *entries;
    return {python(Status::Fail,
                   "expected " + site_packages + " for Python " + cfg->version +
                       "; lib/ holds: " + (present.empty() ? "nothing" : joined(present)))};
  }

  Observation interpreter_ok =
      python(Status::Pass, "Python " + printable(cfg->version, 20) + " at " + resolved.final_path +
                               " (venv " + venv_ + ")");
  interpreter_ok.observed_text = cfg->version;
  std::vector<Observation> observations{interpreter_ok};
  if (required_.empty()) return observations;

  Observation packages{"venv", "packages"};
  const auto entries = list_directory(site_packages, error);
  if (!entries) {
    packages.status = Status::Fail;
    packages.output = "cannot list " + site_packages + ": " + errno_text(error);
    observations.push_back(packages);
    return observations;
  }
  std::set<std::string> installed;
  for (const auto &entry : *entries) {
    if (auto dist = dist_name_of_metadata_dir(entry)) installed.insert(*dist);
  }
  std::vector<std::string> missing;
  for (const auto &name : required_) {
    if (installed.count(normalize_dist_name(name)) == 0) missing.push_back(name);
  }
  packages.observed_value = static_cast<double>(required_.size() - missing.size());
  packages.observed_unit = "distributions";
  if (missing.empty()) {
    packages.output = std::to_string(required_.size()) + " required present: " + joined(required_);
  } else {
    packages.status = Status::Fail;
    packages.output = "missing from " + site_packages + ": " + joined(missing) +
                      " (no *.dist-info; " + std::to_string(installed.size()) +
                      " distributions installed)";
  }
  observations.push_back(packages);
  return observations;
}

}  // namespace healthprobe
