#include "healthprobe/parsing/cgroup_location.h"

#include <utility>
#include <vector>

#include "healthprobe/core/text.h"
#include "healthprobe/parsing/mount_table.h"

namespace healthprobe {
namespace {

constexpr std::string_view kUsualV2Mount = "/sys/fs/cgroup";
constexpr std::string_view kUsualV1Mount = "/sys/fs/cgroup/memory";

bool has_item(std::string_view list, std::string_view item) {
  for (auto entry : split(list, ','))
    if (entry == item) return true;
  return false;
}

// An absolute path with no empty, "." or ".." component: a cgroup outside the namespace shows
// as "/../sibling", which no mount inside it can reach.
bool is_plain_absolute(std::string_view path) {
  if (path.empty() || path.front() != '/') return false;
  if (path == "/") return true;
  for (auto component : split(path.substr(1), '/'))
    if (component.empty() || component == "." || component == "..") return false;
  return true;
}

// path joined below mount_point ("/" adds nothing).
std::string below(std::string_view mount_point, std::string_view path) {
  std::string out(mount_point);
  if (path != "/") {
    if (out == "/") out.clear();
    out += path;
  }
  return out;
}

// path relative to root, if root is path or one of its ancestors ("/" for root itself).
std::optional<std::string_view> relative_to(std::string_view path, std::string_view root) {
  if (root == "/") return path;
  if (path.substr(0, root.size()) != root) return std::nullopt;
  const std::string_view rest = path.substr(root.size());
  if (rest.empty()) return std::string_view("/");
  if (rest.front() != '/') return std::nullopt;  // "/docker/ab" is not under "/docker/a"
  return rest;
}

}  // namespace

std::optional<MemoryCgroup> memory_cgroup_of(std::string_view proc_self_cgroup, std::string &why) {
  std::optional<MemoryCgroup> v2;
  for (auto line : split(proc_self_cgroup, '\n')) {
    // "ID:CONTROLLERS:PATH"; the path may itself hold ':'.
    const size_t first = line.find(':');
    if (first == std::string_view::npos) continue;
    const size_t second = line.find(':', first + 1);
    if (second == std::string_view::npos) continue;
    const std::string_view id = line.substr(0, first);
    const std::string_view controllers = line.substr(first + 1, second - first - 1);
    const std::string_view path = line.substr(second + 1);
    if (id == "0" && controllers.empty()) {
      if (is_plain_absolute(path)) v2 = MemoryCgroup{CgroupVersion::V2, std::string(path)};
      continue;
    }
    if (!has_item(controllers, "memory")) continue;
    if (!is_plain_absolute(path)) {
      why = "the memory cgroup's path lies outside this cgroup namespace";
      return std::nullopt;
    }
    return MemoryCgroup{CgroupVersion::V1, std::string(path)};
  }
  if (!v2) why = "/proc/self/cgroup names no memory cgroup (v1) and no usable v2 cgroup";
  return v2;
}

CgroupDir usual_cgroup_dir(const MemoryCgroup &cgroup) {
  const std::string_view mount =
      cgroup.version == CgroupVersion::V2 ? kUsualV2Mount : kUsualV1Mount;
  return {below(mount, cgroup.path), std::string(mount)};
}

std::optional<CgroupDir> cgroup_dir_from_mountinfo(std::string_view mountinfo,
                                                   const MemoryCgroup &cgroup, std::string &why) {
  std::vector<std::string> mount_points;                 // of every mount, in mount order
  std::vector<std::pair<size_t, CgroupDir>> candidates;  // index into mount_points, directory
  bool hierarchy_mounted = false;
  for (auto line : split(mountinfo, '\n')) {
    const auto mount = parse_mount_line(line);
    if (!mount) continue;
    mount_points.push_back(unescape_mount_path(mount->mount_point));
    const bool matches = cgroup.version == CgroupVersion::V2
                             ? mount->type == "cgroup2"
                             : mount->type == "cgroup" && has_item(mount->super_options, "memory");
    if (!matches) continue;
    hierarchy_mounted = true;
    const std::string root = unescape_mount_path(mount->root);
    const std::string &mount_point = mount_points.back();
    if (!is_plain_absolute(root) || !is_plain_absolute(mount_point)) continue;
    const auto rest = relative_to(cgroup.path, root);
    if (!rest) continue;
    candidates.emplace_back(mount_points.size() - 1,
                            CgroupDir{below(mount_point, *rest), mount_point});
  }
  // A later mount on the same point, or on one above it, hides an earlier one: the last visible
  // candidate is the one the paths lead to (a container's own cgroup bind-mounted over the
  // hierarchy comes after the hierarchy itself).
  for (auto candidate = candidates.rbegin(); candidate != candidates.rend(); ++candidate) {
    const std::string &point = candidate->second.top;
    bool hidden = false;
    for (size_t later = candidate->first + 1; later < mount_points.size() && !hidden; ++later) {
      hidden = relative_to(point, mount_points[later]).has_value();
    }
    if (!hidden) return candidate->second;
  }
  if (!hierarchy_mounted) {
    why = "the memory cgroup hierarchy is not mounted here";
  } else if (!candidates.empty()) {
    why = "every mount of the memory cgroup hierarchy is hidden under a later mount";
  } else {
    why = "no mount of the memory cgroup hierarchy shows the probe's cgroup " +
          printable(cgroup.path, 120);
  }
  return std::nullopt;
}

}  // namespace healthprobe
