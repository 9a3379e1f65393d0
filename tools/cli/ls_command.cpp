// `h5archive ls`: the tree of an entry's HDF5 quantities (or any file or
// group a name or reference points to), with shape, dtype and unit.
#include <ostream>
#include <string>

#include <fmt/format.h>

#include "commands.hpp"
#include "h5archive/quantity_metadata.hpp"
#include "hdf5_tree.hpp"

namespace h5archive::cli {
namespace {

// "(5, 5) float64 [eV]" from the file alone; a link whose target cannot be
// read says why instead.
std::string describe_dataset(const std::filesystem::path& file, const std::string& path) {
  try {
    const QuantityMetadata m = read_quantity_metadata(file, path);
    std::string text = shape_str(m.shape) + " " + m.dtype;
    if (m.unit && !m.unit->empty()) text += " [" + *m.unit + "]";
    return text;
  } catch (const std::exception& e) {
    return std::string("(unreadable: ") + e.what() + ")";
  }
}

// What a soft or external link leads to; "(broken: <reason>)" if nothing.
std::string describe_link(const std::filesystem::path& file, const std::string& path) {
  try {
    if (object_kind(file, path) == TreeNode::Kind::group) return "(group)";
  } catch (const std::exception& e) {
    return std::string("(broken: ") + e.what() + ")";
  }
  return describe_dataset(file, path);
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

  if (object_kind(file, start) == TreeNode::Kind::dataset) {
    out << options.target << "  " << describe_dataset(file, start) << "\n";
    return 0;
  }
  out << options.target << "\n";
  for (const TreeNode& node : walk_tree(file, start)) {
    const std::string indent(2 * (node.depth + 1), ' ');
    switch (node.kind) {
      case TreeNode::Kind::group:
        out << indent << node.name << "/\n";
        break;
      case TreeNode::Kind::dataset:
        out << indent << node.name << "  " << describe_dataset(file, node.path) << "\n";
        break;
      case TreeNode::Kind::external_link:
      case TreeNode::Kind::soft_link:
        out << indent << node.name << " -> " << node.target << "  "
            << describe_link(file, node.path) << "\n";
        break;
      case TreeNode::Kind::other:
        out << indent << node.name << "  (named datatype)\n";
        break;
    }
  }
  return 0;
}

}  // namespace

std::unique_ptr<Command> make_ls_command() { return std::make_unique<LsCommand>(); }

}  // namespace h5archive::cli
