// `h5archive ls`: the tree of an entry's HDF5 quantities (or any file or
// group a name or reference points to), with shape, dtype and unit.
#include <ostream>
#include <string>

#include "commands.hpp"
#include "h5archive/file_tree.hpp"

namespace h5archive::cli {
namespace {

// "(5, 5) float64 [eV]"; a dataset whose metadata cannot be read says why.
std::string describe_dataset(const ObjectSummary& object) {
  if (!object.metadata) return "(unreadable: " + object.reason + ")";
  const QuantityMetadata& m = *object.metadata;
  std::string text = shape_str(m.shape) + " " + m.dtype;
  if (m.unit && !m.unit->empty()) text += " [" + *m.unit + "]";
  return text;
}

// What a soft or external link leads to; "(broken: <reason>)" if nothing.
std::string describe_link(const ObjectSummary& object) {
  if (!object.kind) return "(broken: " + object.reason + ")";
  switch (*object.kind) {
    case ObjectKind::group:
      return "(group)";
    case ObjectKind::named_datatype:
      return "(named datatype)";
    case ObjectKind::dataset:
      break;
  }
  return describe_dataset(object);
}

std::string describe_entry(const TreeEntry& entry) {
  const std::string indent(2 * (entry.depth + 1), ' ');
  if (entry.link != LinkKind::hard)
    return indent + entry.name + " -> " + entry.target + "  " + describe_link(entry.object);
  switch (entry.object.kind.value_or(ObjectKind::named_datatype)) {
    case ObjectKind::group:
      return indent + entry.name + "/";
    case ObjectKind::dataset:
      return indent + entry.name + "  " + describe_dataset(entry.object);
    case ObjectKind::named_datatype:
      break;
  }
  return indent + entry.name + "  (named datatype)";
}

class LsCommand : public Command {
 public:
  LsCommand()
      : Command("ls", "List the HDF5 objects of an entry, a raw file or a group as a tree",
                "List the HDF5 quantities of an entry, a raw file, a group or a dataset as an "
                "indented tree: groups end with '/', datasets show shape, dtype and [unit], links "
                "show '-> target' (and the shape and dtype they lead to)") {}

  void add_options(CLI::App& cmd) override;
  int run(const GlobalOptions& global, Streams io) override;

 private:
  struct {
    std::string target;
    std::optional<std::string> upload;
  } options;
};

void LsCommand::add_options(CLI::App& cmd) {
  cmd.add_option("NAME", options.target,
                 "/uploads/<u>/archive/<entry> (the entry's archive HDF5 file), "
                 "/uploads/<u>/raw/<file>, or a reference to a group or dataset: "
                 "/uploads/<u>/archive/<entry>#<path>, /uploads/<u>/raw/<file>#<path>, "
                 "<file>#<path> (with --upload)")
      ->required();
  cmd.add_option("--upload", options.upload,
                 "The current upload, for references without /uploads/<u>/<dir>/");
}

int LsCommand::run(const GlobalOptions& global, Streams io) {
  std::ostream& out = io.out;
  const StagingArea area = global.staging_area();
  // The library's "current upload" policy, as the connector's; anything that
  // is neither a name nor a reference is refused with from_reference()'s reason.
  const std::optional<std::string_view> upload(options.upload);
  std::optional<Location> location = Location::from_target(options.target, upload);
  if (!location) location = Location::from_reference(options.target, upload);
  const Resolved resolved = area.resolve(*std::move(location));
  const std::filesystem::path& file = resolved.file;
  const std::string start = resolved.dataset.empty() ? "/" : resolved.dataset;

  if (object_kind(file, start) == ObjectKind::dataset) {
    out << options.target << "  " << describe_dataset(summarize(file, start)) << "\n";
    return 0;
  }
  out << options.target << "\n";
  for (const TreeEntry& entry : walk_tree(file, start)) out << describe_entry(entry) << "\n";
  return 0;
}

}  // namespace

std::unique_ptr<Command> make_ls_command() { return std::make_unique<LsCommand>(); }

}  // namespace h5archive::cli
