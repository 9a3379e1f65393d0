// Public access to the HDF5 failure messages the library builds itself, and
// the one way a layer adds its step to an error (errors.hpp).
#include "h5archive/errors.hpp"

#include "h5archive/hdf5.hpp"

namespace h5archive {

HDF5Error hdf5_failure(const std::string& what) { return hdf5::error(what); }

void rethrow_with_step(std::string_view step) {
  const auto with = [&](const std::exception& e) { return std::string(step) + ": " + e.what(); };
  // Most derived first: each error keeps its exact type.
  try {
    throw;
  } catch (const AbandonedObjectError& e) {
    throw AbandonedObjectError(with(e), e.file(), e.object_path());
  } catch (const TypeMismatchError& e) {
    throw TypeMismatchError(with(e));
  } catch (const SecurityError& e) {
    throw SecurityError(with(e));
  } catch (const UnknownUploadError& e) {
    throw UnknownUploadError(with(e));
  } catch (const ResolveError& e) {
    throw ResolveError(with(e));
  } catch (const ReferenceError& e) {
    throw ReferenceError(with(e));
  } catch (const NotFoundError& e) {
    throw NotFoundError(with(e));
  } catch (const ValueError& e) {
    throw ValueError(with(e));
  } catch (const HDF5Error& e) {
    throw HDF5Error(with(e));
  } catch (const IOError& e) {
    throw IOError(with(e));
  } catch (const Error& e) {
    throw Error(with(e));
  }
}

}  // namespace h5archive
