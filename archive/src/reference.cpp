// The reference grammar. NOMAD parses references with one backtracking regular
// expression (nomad-semantics.md §2.1):
//
//   ^(?:.*?/uploads/(.+?)/(.+?)/)*(.+?)#(.+)      with `.` = any character but '\n'
//
// This file reproduces that expression's leftmost-first result by hand, in
// linear time and without recursion, so that long or hostile input cannot
// exhaust the stack the way a recursive regex engine can. The derivation of
// the shortcut is in the comments of match(); tests/unit/reference_test.cpp
// checks it against std::regex on a generated set of strings.
#include "h5archive/reference.hpp"

#include <utility>

#include "h5archive/errors.hpp"
#include "printable.hpp"

namespace h5archive {
namespace {

constexpr std::string_view kUploads = "/uploads/";

// Largest index q with line[q] == '#' and at least one character after it, or
// npos. The tail `FILE '#' PATH` can match from position p exactly when such a
// q exists with q >= p + 1 (FILE needs one character, PATH needs one after '#'),
// so this single number decides every "does the rest still match" question.
std::size_t last_usable_hash(std::string_view line) {
  if (line.size() < 2) return std::string_view::npos;
  return line.rfind('#', line.size() - 2);
}

bool tail_matches(std::size_t pos, std::size_t last_hash) {
  return last_hash != std::string_view::npos && last_hash >= pos + 1;
}

}  // namespace

std::optional<Reference> Reference::match(std::string_view text) {
  // Every part excludes '\n' and the match is only start-anchored, so nothing
  // after the first newline can take part in it.
  const std::string_view line = text.substr(0, text.find('\n'));
  const std::size_t last_hash = last_usable_hash(line);
  if (!tail_matches(0, last_hash)) return std::nullopt;

  Reference ref;
  std::size_t pos = 0;
  // Greedy repetition of PREFIX: try one more repetition at `pos` before
  // falling back to the tail. Inside a repetition the engine tries the filler
  // end f in increasing order, then the shortest UPLOAD, then the shortest
  // DIR, and accepts the first choice after which the rest matches. The rest
  // (more repetitions or the tail) matches iff the tail matches from right
  // after DIR's '/', because further repetitions only move forward. Longer
  // UPLOAD or DIR choices only move that point further right, so if the
  // shortest ones fail for this f, every choice for this f fails.
  for (;;) {
    bool repeated = false;
    for (std::size_t f = line.find(kUploads, pos); f != std::string_view::npos;
         f = line.find(kUploads, f + 1)) {
      const std::size_t upload_begin = f + kUploads.size();
      const std::size_t upload_end = line.find('/', upload_begin + 1);
      if (upload_end == std::string_view::npos) break;  // no later f can do better
      const std::size_t dir_end = line.find('/', upload_end + 2);
      if (dir_end == std::string_view::npos) break;
      // A later f only finds later '/'s, so it cannot rescue a failing tail.
      if (!tail_matches(dir_end + 1, last_hash)) break;
      ref.upload_id = std::string(line.substr(upload_begin, upload_end - upload_begin));
      ref.directory = std::string(line.substr(upload_end + 1, dir_end - upload_end - 1));
      pos = dir_end + 1;
      repeated = true;
      break;
    }
    if (!repeated) break;
  }

  // FILE is lazy: the split is at the first '#' after one character of FILE.
  // tail_matches(pos) guarantees that this '#' is followed by a PATH.
  const std::size_t hash = line.find('#', pos + 1);
  ref.file = std::string(line.substr(pos, hash - pos));
  ref.path = std::string(line.substr(hash + 1));
  return ref;
}

Reference Reference::parse(std::string_view text) {
  if (auto ref = match(text)) return *std::move(ref);
  // NOMAD's wording; the input escaped like every name in a message.
  throw ReferenceError("Invalid HDF5 reference: " + detail::printable(text) + ".");
}

Reference Reference::archive(std::string upload_id, std::string entry_id, std::string path) {
  return Reference{std::move(upload_id), std::string("archive"), std::move(entry_id),
                   std::move(path)};
}

Reference Reference::raw(std::string upload_id, std::string file, std::string path) {
  return Reference{std::move(upload_id), std::string("raw"), std::move(file), std::move(path)};
}

std::string Reference::str() const {
  std::string out;
  if (upload_id) {
    out += kUploads;
    out += *upload_id;
    out += '/';
    out += directory.value_or("raw");
    out += '/';
  }
  out += file;
  out += '#';
  out += path;
  return out;
}

}  // namespace h5archive
