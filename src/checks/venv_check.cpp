#include "healthprobe/checks/venv_check.h"

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <optional>
#include <set>

#include "healthprobe/checks/posix_files.h"
#include "healthprobe/core/text.h"
#include "healthprobe/parsing/dist_name.h"
#include "healthprobe/parsing/duration.h"
#include "healthprobe/parsing/pyvenv_cfg.h"

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

// What an interpreter's file name says about it: "python3.11" is 3.11; "python3.13t" is a
// free-threaded 3.13 (PEP 703), whose venv keeps its packages in lib/python3.13t. Names without a
// minor version ("python3", "python") say nothing.
struct InterpreterName {
  std::string version;  // "3.13", or empty
  bool free_threaded = false;
};

InterpreterName interpreter_name(const std::string &name) {
  constexpr std::string_view kPrefix = "python";
  InterpreterName parsed;
  if (name.rfind(kPrefix, 0) != 0) return parsed;
  std::string version = name.substr(kPrefix.size());
  if (version.find('.') == std::string::npos) return parsed;
  if (version.back() == 't') {
    version.pop_back();
    parsed.free_threaded = true;
  }
  parsed.version = version;
  return parsed;
}

// Which of the wanted distributions site_packages holds, read until the deadline: a site-packages
// of hundreds of thousands of entries (or a slow mount) must not hold the run past it. Only the
// wanted names are kept; the others are only counted, so memory stays flat however many there are.
struct InstalledScan {
  std::set<std::string> still_wanted;  // normalized names not found (yet)
  size_t distributions = 0;            // *.dist-info entries seen
  size_t entries = 0;                  // directory entries read
  bool stopped_at_deadline = false;
  int error = 0;  // errno when the directory could not be opened
};

InstalledScan scan_installed(const std::string &site_packages,
                             const std::vector<std::string> &wanted, const Deadline &deadline) {
  InstalledScan scan;
  DIR *dir = ::opendir(site_packages.c_str());
  if (dir == nullptr) {
    scan.error = errno;
    return scan;
  }
  for (const auto &name : wanted) scan.still_wanted.insert(normalize_dist_name(name));
  constexpr size_t kEntriesPerClockRead = 64;  // a clock read costs about one readdir
  while (const dirent *entry = ::readdir(dir)) {
    ++scan.entries;
    if (auto dist = dist_name_of_metadata_dir(entry->d_name)) {
      ++scan.distributions;
      scan.still_wanted.erase(*dist);
      if (scan.still_wanted.empty()) break;  // all found: the rest of a big listing is not needed
    }
    if (scan.entries % kEntriesPerClockRead == 0 && deadline.expired()) {
      scan.stopped_at_deadline = true;
      break;
    }
  }
  ::closedir(dir);
  return scan;
}

std::string joined(const std::vector<std::string> &items) {
  std::string out;
  for (const auto &item : items) out += (out.empty() ? "" : ", ") + printable(item, 60);
  return out;
}

}  // namespace

std::vector<Observation> VenvCheck::run(const Deadline &deadline, Interruption & /*interruption*/) {
  const std::string cfg_path = venv_ + "/pyvenv.cfg";
  int error = 0;
  // One byte past the limit shows the file is longer than it: never judged on a part of it.
  const auto cfg_text = read_small_file(cfg_path, kCfgLimit + 1, error);
  if (!cfg_text) {
    // Asked only here: a healthy venv's run makes no call for its own directory.
    if (!is_directory(venv_)) {
      return {python(Status::Fail, "venv " + venv_ + " is not a directory")};
    }
    return {python(Status::Fail, "cannot read " + cfg_path + ": " + errno_text(error) +
                                     " (not a venv, or a broken copy of one)")};
  }
  if (cfg_text->size() > kCfgLimit) {
    return {python(Status::Fail, cfg_path + " is larger than " + std::to_string(kCfgLimit / 1024) +
                                     " KiB" +
                                     ": not a venv's config (a real one is a few hundred bytes), "
                                     "and the probe reads no further")};
  }
  PyvenvCfgError cfg_error;
  const auto cfg = parse_pyvenv_cfg(*cfg_text, cfg_error);
  if (!cfg) return {python(Status::Fail, cfg_path + " " + cfg_error.message)};
  struct stat home {};
  const int home_error = ::stat(cfg->home.c_str(), &home) == 0 ? 0 : errno;
  if (home_error != 0 || !S_ISDIR(home.st_mode)) {
    const std::string shown = "pyvenv.cfg home " + printable(cfg->home, 200);
    if (home_error == ENOENT) {
      return {python(Status::Fail, shown + " does not exist: the venv was made with an "
                                           "interpreter this image lacks")};
    }
    if (home_error == 0 || home_error == ENOTDIR) {  // a file, or a path through one
      return {python(Status::Fail, shown + " is not a directory: the venv's home must be the "
                                           "dir of the interpreter it was made from")};
    }
    return {python(Status::Fail, shown + " cannot be reached: " + errno_text(home_error))};
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
  if (!S_ISREG(resolved.final_mode) || ::access(resolved.final_path.c_str(), X_OK) != 0) {
    return {python(Status::Fail, interpreter + " resolves to " + resolved.final_path +
                                     ", which is not an executable file for this user")};
  }
  const std::string version = cfg->major_minor();
  const InterpreterName named = interpreter_name(basename_of(resolved.final_path));
  if (!named.version.empty() && named.version != version) {
    return {python(Status::Fail, interpreter + " resolves to " + resolved.final_path +
                                     " but pyvenv.cfg says " + cfg->version +
                                     ": the venv was built for another Python")};
  }
  // pyvenv.cfg does not say whether the build is free-threaded; the interpreter's name does,
  // and when it is plain "python3" the lib/ dir that exists decides.
  const std::string lib = venv_ + "/lib/python" + version;
  std::string site_packages = lib + (named.free_threaded ? "t" : "") + "/site-packages";
  if (named.version.empty() && !is_directory(site_packages) &&
      is_directory(lib + "t/site-packages")) {
    site_packages = lib + "t/site-packages";
  }
  const auto missing_site_packages = [&] {
    constexpr size_t kNamesShown = 8;
    std::string present = "nothing";
    if (const auto listing = list_directory(venv_ + "/lib", kNamesShown, error);
        listing && listing->total > 0) {
      present = joined(listing->names);
      if (listing->total > kNamesShown)
        present += " and " + std::to_string(listing->total - kNamesShown) + " more";
    }
    return python(Status::Fail, "expected " + site_packages + " for Python " + cfg->version +
                                    "; lib/ holds: " + present);
  };
  // With distributions to look for, opening site-packages to list it is the proof it exists.
  std::optional<InstalledScan> scan;
  if (required_.empty()) {
    if (!is_directory(site_packages)) return {missing_site_packages()};
  } else {
    scan = scan_installed(site_packages, required_, deadline);
    if (scan->error == ENOENT || scan->error == ENOTDIR) return {missing_site_packages()};
  }

  Observation interpreter_ok =
      python(Status::Pass, "Python " + printable(cfg->version, 20) + " at " + resolved.final_path +
                               " (venv " + venv_ + ")");
  interpreter_ok.observed_text = cfg->version;
  std::vector<Observation> observations{interpreter_ok};
  if (required_.empty()) return observations;

  Observation packages{"venv", "packages"};
  if (scan->error != 0) {
    packages.status = Status::Fail;
    packages.output = "cannot list " + site_packages + ": " + errno_text(scan->error);
    observations.push_back(packages);
    return observations;
  }
  std::vector<std::string> missing;
  for (const auto &name : required_) {
    if (scan->still_wanted.count(normalize_dist_name(name)) != 0) missing.push_back(name);
  }
  packages.observed_value = static_cast<double>(required_.size() - missing.size());
  packages.observed_unit = "distributions";
  if (missing.empty()) {
    packages.output = counted(required_.size(), "required distribution", "required distributions") +
                      " present: " + joined(required_);
  } else if (scan->stopped_at_deadline) {
    packages.status = Status::Fail;
    packages.output = "the " + format_duration(deadline.budget()) +
                      " deadline passed while listing " + site_packages + " (" +
                      counted(scan->entries, "entry", "entries") +
                      " read); not found by then: " + joined(missing);
  } else {
    packages.status = Status::Fail;
    packages.output = "missing from " + site_packages + ": " + joined(missing) +
                      " (no *.dist-info; " +
                      counted(scan->distributions, "distribution", "distributions") + " installed)";
  }
  observations.push_back(packages);
  return observations;
}

}  // namespace healthprobe
