// Private declarations shared by the source files of the h5archive VOL connector.
//
// The connector is a pass-through: every object it hands to HDF5 is an Object
// wrapping the object of the connector below (native by default). Only the
// file-level callbacks that receive a file *name* do more than forward; they
// map `/uploads/...` names through h5archive::StagingArea::resolve_name.
#pragma once

#include <H5VLconnector.h>
#include <H5VLconnector_passthru.h>
#include <hdf5.h>

#include "hdf5_compat.hpp"  // the VOL API version check

#include <exception>
#include <optional>
#include <source_location>
#include <string>
#include <string_view>

#include "h5archive/staging_config.hpp"

namespace h5archive::vol {

/// Registered name and value of the connector (value in the range HDF5
/// reserves for external connectors, not in the registered list).
inline constexpr const char* kName = "h5archive";
inline constexpr H5VL_class_value_t kValue = 1512;
inline constexpr unsigned kConnectorVersion = 1;

/// The connector's class table (connector.cpp).
extern const H5VL_class_t connector_class;

/// An object of the connector below, plus the id of that connector. The id
/// holds one reference for as long as the wrapper lives.
struct Object {
  void* under;
  hid_t under_vol_id;
};

/// Wraps `under` (nullptr stays nullptr, so failed creates/opens propagate).
Object* wrap(void* under, hid_t under_vol_id);
/// Releases the wrapper (not the object below) and its reference on the id.
void release(Object* object);
inline Object* as_object(void* obj) { return static_cast<Object*>(obj); }
inline void* under_of(void* obj) { return obj ? as_object(obj)->under : nullptr; }
/// An async request of the connector below becomes one of ours.
inline void wrap_request(void** req, hid_t under_vol_id) {
  if (req && *req) *req = wrap(*req, under_vol_id);
}

/// The connector's info: where the staging area is and what lies below.
struct Info {
  /// root, prefix_size and upload as the library reads them (no other keys).
  h5archive::StagingConfig staging;
  hid_t under_vol_id = H5I_INVALID_HID;  ///< owns one reference
  void* under_vol_info = nullptr;        ///< owned; freed through the under connector
};

/// Info with every key at its default: native below, no under info.
Info* make_default_info();
/// Parses an info string (see docs/connector.md); throws InfoError naming the key.
Info* parse_info(std::string_view text);
/// The canonical string form: parse_info(format_info(i)) equals i.
std::string format_info(const Info& info);
Info* copy_info(const Info& info);
void free_info(Info* info);

/// The info attached to a file access property list, released on scope exit.
/// A NULL info (HDF5's plugin probe, or H5Pset_vol with NULL) becomes the default.
class FaplInfo {
 public:
  explicit FaplInfo(hid_t fapl_id);
  ~FaplInfo();
  FaplInfo(const FaplInfo&) = delete;
  FaplInfo& operator=(const FaplInfo&) = delete;
  const Info& operator*() const { return *info_; }
  const Info* operator->() const { return info_; }
  /// False when the fapl carried no info (the probe case).
  bool given() const { return given_; }

 private:
  Info* info_ = nullptr;
  bool given_ = false;
};

struct MappedName;

/// A copy of `fapl_id` that selects the connector below with its info.
class UnderFapl {
 public:
  /// For a mapped name the copy also selects the library's staging driver,
  /// so that HDF5 opens the file (and whatever it reaches from it) through
  /// the kernel's walk below the staging root.
  UnderFapl(hid_t fapl_id, const Info& info, const MappedName& target);
  ~UnderFapl();
  UnderFapl(const UnderFapl&) = delete;
  UnderFapl& operator=(const UnderFapl&) = delete;
  hid_t id() const { return id_; }

 private:
  hid_t id_ = H5I_INVALID_HID;
};

/// The outcome of mapping a file name: the OS path HDF5 must use below.
struct MappedName {
  std::string path;      ///< what the connector below receives
  bool mapped = false;   ///< true for `/uploads/...` names
  bool archive = false;  ///< an entry's archive HDF5 file (`/uploads/<u>/archive/<e>`)
};
/// Maps a name through the library's resolver; every other name is returned
/// unchanged. Throws h5archive::Error for a bad `/uploads/` name.
MappedName map_name(const Info& info, const char* name);

// ---- names files were opened by (open_names.cpp) ----------------------------
/// Records that the file at `os_path` is open under the `/uploads/` `name`.
void remember_open_name(const std::string& os_path, const std::string& name);
/// Drops one open of `os_path`; the name is forgotten with the last one.
void forget_open_name(const std::string& os_path);
/// The `/uploads/` name the file at `os_path` is open under, if any.
std::optional<std::string> open_name_of(const std::string& os_path);
/// False while no file is open under a `/uploads/` name (keeps close cheap).
bool any_open_names();

// ---- errors (errors.cpp) ---------------------------------------------------

/// Kinds of errors the connector reports; each has its own minor message.
enum class ErrorKind { bad_name, escape, missing_file, bad_info, failure };

/// An error raised inside the connector, turned into an HDF5 error at the
/// callback boundary.
class VolError : public std::exception {
 public:
  VolError(ErrorKind kind, std::string message) : kind_(kind), message_(std::move(message)) {}
  const char* what() const noexcept override { return message_.c_str(); }
  ErrorKind kind() const { return kind_; }

 private:
  ErrorKind kind_;
  std::string message_;
};

/// Registers the error class and messages (idempotent; called by initialize).
void register_errors();
void unregister_errors();
/// Pushes `message` on the default error stack under the connector's class.
void push_error(ErrorKind kind, std::string_view message,
                const std::source_location& where = std::source_location::current());
/// Pushes the message of the exception being handled (call inside catch).
void push_current_exception(const std::source_location& where);

/// Runs `body` and turns any exception into a pushed error plus `failure`:
/// the boundary every callback crosses, so no exception reaches HDF5.
template <class R, class F>
R guarded(R failure, F&& body,
          const std::source_location& where = std::source_location::current()) noexcept {
  try {
    return body();
  } catch (...) {
    push_current_exception(where);
    return failure;
  }
}

/// Saves the current error stack and puts it back when the scope ends (an
/// exception included): every HDF5 API call clears the stack on entry, so
/// without this a call made from a callback erases errors pushed before it.
class KeptErrors {
 public:
  KeptErrors() : saved_(H5Eget_current_stack()) {}
  ~KeptErrors() {
    if (saved_ >= 0) H5Eset_current_stack(saved_);  // also closes the saved copy
  }
  KeptErrors(const KeptErrors&) = delete;
  KeptErrors& operator=(const KeptErrors&) = delete;
  /// Keeps what is on the stack now instead; call before anything is pushed
  /// (closing the saved copy clears the current stack, as every API call does).
  void dismiss() {
    if (saved_ >= 0) H5Eclose_stack(saved_);
    saved_ = H5I_INVALID_HID;
  }

 private:
  hid_t saved_;
};

/// Runs `body` with the current error stack saved and restored, for cleanup
/// calls (H5Pclose, H5Idec_ref) that would otherwise clear errors already pushed.
template <class F>
void preserving_errors(F&& body) {
  KeptErrors kept;
  body();
}

// ---- callback sub-tables, one per source file --------------------------------
extern const H5VL_info_class_t info_class;
extern const H5VL_wrap_class_t wrap_class;
extern const H5VL_attr_class_t attr_class;
extern const H5VL_dataset_class_t dataset_class;
extern const H5VL_datatype_class_t datatype_class;
extern const H5VL_file_class_t file_class;
extern const H5VL_group_class_t group_class;
extern const H5VL_link_class_t link_class;
extern const H5VL_object_class_t object_class;
extern const H5VL_introspect_class_t introspect_class;
extern const H5VL_request_class_t request_class;
extern const H5VL_blob_class_t blob_class;
extern const H5VL_token_class_t token_class;
herr_t generic_optional(void* obj, H5VL_optional_args_t* args, hid_t dxpl_id, void** req);

/// Refuses (throws h5archive::SecurityError) a dataset `name` of the
/// connector below, in a staged file, that keeps its data in external files
/// or reads virtual sources from outside the staging root
/// (h5archive::refuse_unsafe_storage).
void refuse_unsafe_storage(void* under_dataset, hid_t under_vol_id, const char* name,
                           hid_t dxpl_id);

/// Makes `reason` the innermost (only) error after clearing the stack:
/// push_error gives it HDF5's errno wording for `kind`, from which h5py
/// picks FileNotFoundError or PermissionError.
void push_refusal(ErrorKind kind, const std::string& reason);

/// After a failed object open: if the staging driver refused a file on the
/// way (an external link's target), that reason becomes the innermost error,
/// naming `name` and the target, with HDF5's errno convention.
void report_refused_target(const char* verb, const char* name);

}  // namespace h5archive::vol
