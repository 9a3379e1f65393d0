// The library's exceptions (h5archive/errors.hpp) as the Python classes of
// h5archive/_errors.py, with the library's message unchanged.
#include <nanobind/nanobind.h>

#include "bindings.hpp"
#include "h5archive/errors.hpp"

namespace nb = nanobind;

namespace h5archive::python {
namespace {

void raise(const char* name, const std::exception& e) {
  // The classes live in Python so that they can derive from both
  // h5archive.Error and the builtin NOMAD users catch (ValueError, ...).
  nb::object cls = nb::module_::import_("h5archive._errors").attr(name);
  PyErr_SetString(cls.ptr(), e.what());
}

// Most derived first: a catch clause takes subclasses too.
void translate(const std::exception_ptr& p, void*) {
  try {
    std::rethrow_exception(p);
  } catch (const SecurityError& e) {
    raise("SecurityError", e);
  } catch (const UnknownUploadError& e) {
    raise("UnknownUploadError", e);
  } catch (const ResolveError& e) {
    raise("ResolveError", e);
  } catch (const h5archive::ReferenceError& e) {
    raise("InvalidReferenceError", e);
  } catch (const NotFoundError& e) {
    raise("NotFoundError", e);
  } catch (const AbandonedObjectError& e) {
    raise("AbandonedObjectError", e);
  } catch (const TypeMismatchError& e) {
    raise("TypeMismatchError", e);
  } catch (const h5archive::ValueError& e) {
    raise("InvalidValueError", e);
  } catch (const h5archive::IOError& e) {
    raise("ArchiveIOError", e);
  } catch (const HDF5Error& e) {
    raise("HDF5Error", e);
  } catch (const Error& e) {
    raise("Error", e);
  }
}

}  // namespace

void bind_errors(nb::module_&) { nb::register_exception_translator(translate); }

}  // namespace h5archive::python
