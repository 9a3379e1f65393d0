// `h5archive env`: the shell lines that select the VOL connector for the
// current staging root, for `eval "$(h5archive env)"`.
#include <filesystem>
#include <ostream>
#include <string>

#include "commands.hpp"
#include "h5archive/errors.hpp"
#include "h5archive/staging_config.hpp"

namespace h5archive::cli {
namespace {

// Single-quoted for POSIX shells: ' becomes '\''.
std::string shell_quote(const std::string& text) {
  std::string quoted = "'";
  for (char c : text) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

// The folder holding libh5archive_vol.so next to this executable: the build
// tree's plugins/ or the installed lib/hdf5/plugin; empty if neither has it.
std::filesystem::path plugin_dir() {
  std::error_code ec;
  const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) return {};
  const auto prefix = exe.parent_path().parent_path();
  for (const auto& dir : {prefix / "plugins", prefix / H5ARCHIVE_INSTALL_PLUGIN_SUBDIR}) {
    if (std::filesystem::exists(dir / "libh5archive_vol.so", ec)) return dir;
  }
  return {};
}

class EnvCommand : public Command {
 public:
  EnvCommand()
      : Command(
            "env", "Print the shell lines that select the h5archive VOL connector",
            "Print the shell lines (export HDF5_VOL_CONNECTOR=..., HDF5_PLUGIN_PATH=...) that "
            "select the h5archive connector for the staging root (--root, else $H5ARCHIVE_ROOT, "
            "else .volumes/fs/staging), as an absolute path: eval \"$(h5archive env)\"") {}

  void add_options(CLI::App& cmd) override {
    cmd.add_option("--upload", upload_,
                   "Also set upload=U: prefix-less references resolve in this upload's raw/");
  }
  int run(const GlobalOptions& global, Streams io) override;

 private:
  std::optional<std::string> upload_;
};

int EnvCommand::run(const GlobalOptions& global, Streams io) {
  std::ostream& out = io.out;
  const StagingArea area = global.staging_area();
  if (upload_) validate_id(*upload_, "upload id");
  const std::filesystem::path plugins = plugin_dir();
  if (plugins.empty())
    throw NotFoundError(
        "Cannot find libh5archive_vol.so: looked in plugins/ and " H5ARCHIVE_INSTALL_PLUGIN_SUBDIR
        "/ beside this program's bin/ folder");
  // The connector reads what the library writes: any root round-trips.
  StagingConfig config;
  config.root = std::filesystem::absolute(area.root());
  if (area.prefix_size() != kDefaultPrefixSize) config.prefix_size = area.prefix_size();
  config.upload = upload_;
  out << "export HDF5_VOL_CONNECTOR=" << shell_quote("h5archive " + config.str()) << "\n";
  out << "export HDF5_PLUGIN_PATH=" << shell_quote(plugins.string()) << "\n";
  return 0;
}

}  // namespace

std::unique_ptr<Command> make_env_command() { return std::make_unique<EnvCommand>(); }

}  // namespace h5archive::cli
