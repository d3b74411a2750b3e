// Reading inputs and writing outputs safely: checked writes, temp file plus rename, cleanup on signals.
#include "core/io.hpp"

#include <atomic>
#include <cctype>
#include <cerrno>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

namespace projconv {

namespace {

std::string errno_text(int err) { return std::strerror(err); }

class FdSource : public Source {
 public:
  FdSource(int fd, std::string name, bool owned) : Source(std::move(name)), fd_(fd), owned_(owned) {}
  ~FdSource() override {
    if (owned_) ::close(fd_);
  }

 protected:
  size_t read_raw(char* buf, size_t n) override {
    for (;;) {
      ssize_t got = ::read(fd_, buf, n);
      if (got >= 0) return static_cast<size_t>(got);
      if (errno == EINTR) continue;
      throw IoError(name() + ": cannot read: " + errno_text(errno));
    }
  }
  int fd() const override { return fd_; }
  friend class projconv::Source;
  void rewind_raw() override {
    if (::lseek(fd_, 0, SEEK_SET) == 0) return;
    throw IoError(name() + ": cannot read it twice (it is not a regular file)");
  }
  bool seekable() const { return ::lseek(fd_, 0, SEEK_CUR) >= 0; }
  // Copies the rest of the input to an unlinked temp file (after `head`) and reads from that instead.
  void spool(const std::string& head) {
    char tmpl[] = "/tmp/projconv-spool-XXXXXX";
    int t = ::mkstemp(tmpl);
    if (t < 0) throw IoError("cannot create a temp file to hold " + name() + ": " + errno_text(errno));
    ::unlink(tmpl);
    auto put = [&](const char* p, size_t n) {
      while (n > 0) {
        ssize_t w = ::write(t, p, n);
        if (w < 0 && errno == EINTR) continue;
        if (w < 0) throw IoError("cannot spool " + name() + ": " + errno_text(errno));
        p += w;
        n -= static_cast<size_t>(w);
      }
    };
    put(head.data(), head.size());
    std::vector<char> buf(1 << 20);
    for (size_t got; (got = read_raw(buf.data(), buf.size())) > 0;) {
      consumed(got);
      put(buf.data(), got);
    }
    if (owned_) ::close(fd_);
    fd_ = t;
    owned_ = true;
  }

 private:
  int fd_;
  bool owned_;
};

class StringSource : public Source {
 public:
  StringSource(std::string data, std::string name) : Source(std::move(name)), data_(std::move(data)) {}

 protected:
  void rewind_raw() override { pos_ = 0; }
  size_t read_raw(char* buf, size_t n) override {
    size_t k = std::min(n, data_.size() - pos_);
    std::memcpy(buf, data_.data() + pos_, k);
    pos_ += k;
    return k;
  }

 private:
  std::string data_;
  size_t pos_ = 0;
};

// What a signal handler removes if a signal ends the process: every pending temp file, the final names of a
// package's files inside its temp folder, and that folder. A fixed table of plain buffers, since a handler
// may not allocate; a package has a few dozen files, and the report file can be pending alongside it.
enum CleanupKind : int { kSlotFree, kSlotFilling, kSlotFile, kSlotFolder };
constexpr size_t kCleanupSlots = 256;
char g_cleanup_path[kCleanupSlots][4096];
std::atomic<int> g_cleanup_kind[kCleanupSlots];
static_assert(std::atomic<int>::is_always_lock_free, "the signal handler reads these");

void on_signal(int sig) {
  // Files first: rmdir only removes an empty folder.
  for (size_t i = 0; i < kCleanupSlots; ++i)
    if (g_cleanup_kind[i].load() == kSlotFile) ::unlink(g_cleanup_path[i]);
  for (size_t i = 0; i < kCleanupSlots; ++i)
    if (g_cleanup_kind[i].load() == kSlotFolder) ::rmdir(g_cleanup_path[i]);
  std::signal(sig, SIG_DFL);
  std::raise(sig);
}

// Returns the slot, or -1 when the table is full or the path too long (then a signal leaves it behind).
// The path is copied before the kind is published, so the handler never reads half a path.
int cleanup_add(const std::string& path, CleanupKind kind) {
  if (path.size() >= sizeof g_cleanup_path[0]) return -1;
  for (size_t i = 0; i < kCleanupSlots; ++i) {
    int expected = kSlotFree;
    if (!g_cleanup_kind[i].compare_exchange_strong(expected, kSlotFilling)) continue;
    std::memcpy(g_cleanup_path[i], path.c_str(), path.size() + 1);
    g_cleanup_kind[i].store(kind);
    return static_cast<int>(i);
  }
  return -1;
}

void cleanup_drop(int& slot) {
  if (slot >= 0) g_cleanup_kind[slot].store(kSlotFree);
  slot = -1;
}

// Holds back SIGINT, SIGTERM and SIGHUP for a few system calls, so that a signal cannot land between
// creating a temp file and registering it, or between moving an old package aside and the new one in.
class SignalsHeld {
 public:
  SignalsHeld() {
    sigset_t s;
    sigemptyset(&s);
    for (int sig : {SIGINT, SIGTERM, SIGHUP}) sigaddset(&s, sig);
    ::pthread_sigmask(SIG_BLOCK, &s, &old_);
  }
  ~SignalsHeld() { ::pthread_sigmask(SIG_SETMASK, &old_, nullptr); }
  SignalsHeld(const SignalsHeld&) = delete;
  SignalsHeld& operator=(const SignalsHeld&) = delete;

 private:
  sigset_t old_;
};

}  // namespace

std::unique_ptr<Source> Source::open(const std::string& path) {
  if (path == "-") return std::make_unique<FdSource>(0, "-", false);
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw IoError(path + ": cannot open: " + errno_text(errno));
  struct stat st {};
  if (::fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
    ::close(fd);
    throw IoError(path + ": is a directory");
  }
  return std::make_unique<FdSource>(fd, path, true);
}

std::unique_ptr<Source> Source::from_string(std::string data, std::string name) {
  return std::make_unique<StringSource>(std::move(data), std::move(name));
}

size_t Source::read(char* buf, size_t n) {
  if (pushback_pos_ < pushback_.size()) {
    size_t k = std::min(n, pushback_.size() - pushback_pos_);
    std::memcpy(buf, pushback_.data() + pushback_pos_, k);
    pushback_pos_ += k;
    return k;
  }
  size_t got = read_raw(buf, n);
  consumed(got);
  return got;
}

void Source::consumed(size_t n) {
  consumed_ += n;
  if (limit_ && consumed_ > limit_)
    throw IoError((name_ == "-" ? std::string("the standard input") : name_) + " is larger than the --max-input-size limit of " + size_text(limit_) +
                  "; raise it (--max-input-size 4G) or lift it (--max-input-size 0)");
}

void Source::set_limit(uint64_t max_bytes) {
  limit_ = max_bytes;
  struct stat st {};
  if (limit_ && stat(st) && S_ISREG(st.st_mode) && static_cast<uint64_t>(st.st_size) > limit_)
    throw IoError(name_ + " is " + size_text(static_cast<uint64_t>(st.st_size)) +
                  ", larger than the --max-input-size limit of " + size_text(limit_) +
                  "; raise it (--max-input-size 4G) or lift it (--max-input-size 0)");
}

std::string size_text(uint64_t bytes) {
  static const char* units[] = {"bytes", "KiB", "MiB", "GiB", "TiB"};
  size_t u = 0;
  while (u < 4 && bytes >= 1024 && bytes % 1024 == 0) {
    bytes /= 1024;
    ++u;
  }
  return std::to_string(bytes) + " " + units[u];
}

bool parse_size(const std::string& text, uint64_t& bytes) {
  size_t digits = text.find_first_not_of("0123456789");
  if (digits == std::string::npos) digits = text.size();
  if (digits == 0 || digits > 12) return false;
  std::string unit = text.substr(digits);
  for (char& c : unit) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  int shift = unit.empty() || unit == "B" ? 0 : unit == "K" || unit == "KB" || unit == "KIB" ? 10
            : unit == "M" || unit == "MB" || unit == "MIB" ? 20 : unit == "G" || unit == "GB" || unit == "GIB" ? 30
            : unit == "T" || unit == "TB" || unit == "TIB" ? 40 : -1;
  if (shift < 0) return false;
  bytes = std::stoull(text.substr(0, digits)) << shift;
  return true;
}

std::string_view Source::peek(size_t n) {
  if (pushback_pos_ > 0) {
    pushback_.erase(0, pushback_pos_);
    pushback_pos_ = 0;
  }
  while (pushback_.size() < n) {
    char tmp[4096];
    size_t got = read_raw(tmp, std::min(sizeof tmp, n - pushback_.size()));
    consumed(got);
    if (got == 0) break;
    pushback_.append(tmp, got);
  }
  return std::string_view(pushback_).substr(0, n);
}

void Source::prepare_rewind() {
  auto* fds = dynamic_cast<FdSource*>(this);
  if (!fds || fds->seekable()) return;
  // A pipe: what was peeked is the head of the data, the rest is still unread.
  fds->spool(pushback_.substr(pushback_pos_));
  pushback_.clear();
  pushback_pos_ = 0;
  consumed_ = 0;  // spooling checked the limit; the passes count again from the start
  fds->rewind_raw();
}

void Source::rewind() {
  pushback_.clear();
  pushback_pos_ = 0;
  consumed_ = 0;  // the second pass reads the same bytes again
  rewind_raw();
}

Utf16Source::Utf16Source(Source& inner, bool big_endian)
    : Source(inner.name()), inner_(inner), big_endian_(big_endian) {}

size_t Utf16Source::read_raw(char* buf, size_t n) {
  while (out_pos_ == out_.size()) {
    if (stopped_) return 0;
    out_.clear();
    out_pos_ = 0;
    convert();
  }
  size_t k = std::min(n, out_.size() - out_pos_);
  std::memcpy(buf, out_.data() + out_pos_, k);
  out_pos_ += k;
  return k;
}

void Utf16Source::rewind_raw() {
  inner_.rewind();
  in_pos_ = in_len_ = out_pos_ = 0;
  out_.clear();
  inner_done_ = stopped_ = false;
  error_.clear();
}

// Converts what is buffered, reading more when less than a surrogate pair is left; sets stopped_ at the end.
void Utf16Source::convert() {
  if (in_len_ - in_pos_ < 4 && !inner_done_) {
    std::memmove(in_.data(), in_.data() + in_pos_, in_len_ - in_pos_);
    in_len_ -= in_pos_;
    in_pos_ = 0;
    size_t got = inner_.read(in_.data() + in_len_, in_.size() - in_len_);
    if (got == 0) inner_done_ = true;
    in_len_ += got;
  }
  auto unit = [&](size_t at) {
    auto b0 = static_cast<unsigned char>(in_[at]), b1 = static_cast<unsigned char>(in_[at + 1]);
    return big_endian_ ? static_cast<uint32_t>(b0 << 8 | b1) : static_cast<uint32_t>(b1 << 8 | b0);
  };
  auto hex = [](uint32_t u) {
    char s[8];
    std::snprintf(s, sizeof s, "%04X", static_cast<unsigned>(u));
    return std::string(s);
  };
  while (in_len_ - in_pos_ >= 2) {
    uint32_t cp = unit(in_pos_);
    size_t len = 2;
    if (cp >= 0xDC00 && cp <= 0xDFFF) {
      error_ = "the UTF-16 data holds a lone low surrogate (" + hex(cp) + "), which is not a character";
    } else if (cp >= 0xD800 && cp <= 0xDBFF) {
      if (in_len_ - in_pos_ < 4) {
        if (!inner_done_) return;  // its pair is in the next read
        error_ = "the UTF-16 data ends with a lone high surrogate (" + hex(cp) + ")";
      } else if (uint32_t lo = unit(in_pos_ + 2); lo < 0xDC00 || lo > 0xDFFF) {
        error_ = "the UTF-16 data holds a lone high surrogate (" + hex(cp) + "), which is not a character";
      } else {
        cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
        len = 4;
      }
    }
    if (!error_.empty()) {
      stopped_ = true;
      return;
    }
    in_pos_ += len;
    if (cp < 0x80) {
      out_ += static_cast<char>(cp);
    } else if (cp < 0x800) {
      out_ += static_cast<char>(0xC0 | cp >> 6);
      out_ += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      out_ += static_cast<char>(0xE0 | cp >> 12);
      out_ += static_cast<char>(0x80 | (cp >> 6 & 0x3F));
      out_ += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      out_ += static_cast<char>(0xF0 | cp >> 18);
      out_ += static_cast<char>(0x80 | (cp >> 12 & 0x3F));
      out_ += static_cast<char>(0x80 | (cp >> 6 & 0x3F));
      out_ += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }
  if (inner_done_) {
    if (in_len_ - in_pos_ == 1) error_ = "the UTF-16 data ends with half a character (an odd number of bytes)";
    stopped_ = true;
  }
}

bool Source::stat(struct stat& st) const {
  int f = fd();
  return f >= 0 && ::fstat(f, &st) == 0;
}

FileOutput::FileOutput(std::string target, std::string shown)
    : target_(std::move(target)), shown_(std::move(shown)) {
  if (shown_.empty()) shown_ = target_ == "-" ? "<stdout>" : target_;
  buf_.reserve(1 << 20);
  if (target_ == "-") {
    fd_ = 1;
    direct_ = true;
    return;
  }
  struct stat st {};
  if (::stat(target_.c_str(), &st) == 0 && !S_ISREG(st.st_mode)) {
    if (S_ISDIR(st.st_mode)) throw IoError(target_ + ": is a directory");
    fd_ = ::open(target_.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd_ < 0) throw IoError(target_ + ": cannot open for writing: " + errno_text(errno));
    direct_ = true;
    return;
  }
  std::string dir = ".", base = target_;
  if (size_t slash = target_.rfind('/'); slash != std::string::npos) {
    dir = slash == 0 ? "/" : target_.substr(0, slash);
    base = target_.substr(slash + 1);
  }
  temp_ = (dir == "/" ? "" : dir) + "/." + base + ".projconv-XXXXXX";
  {
    SignalsHeld held;
    fd_ = ::mkstemp(temp_.data());
    if (fd_ >= 0) cleanup_slot_ = cleanup_add(temp_, kSlotFile);
  }
  if (fd_ < 0) throw IoError(target_ + ": cannot create a file in " + dir + ": " + errno_text(errno));
  // mkstemp makes 0600; give the result the usual mode, as a plain create would.
  mode_t mask = ::umask(0);
  ::umask(mask);
  ::fchmod(fd_, 0666 & ~mask);
}

FileOutput::~FileOutput() {
  if (!direct_ && fd_ >= 0) ::close(fd_);
  if (!committed_ && !temp_.empty()) {
    ::unlink(temp_.c_str());
    cleanup_drop(cleanup_slot_);
  }
  if (direct_ && fd_ > 2) ::close(fd_);
}

void FileOutput::write(std::string_view data) {
  if (buf_.size() + data.size() > (1 << 20)) flush_buffer();
  if (data.size() >= (1 << 20)) {
    buf_.append(data);
    flush_buffer();
  } else {
    buf_.append(data);
  }
}

void FileOutput::flush_buffer() {
  const char* p = buf_.data();
  size_t left = buf_.size();
  while (left > 0) {
    ssize_t n = ::write(fd_, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw IoError(shown_ + ": cannot write: " + errno_text(errno));
    }
    p += n;
    left -= static_cast<size_t>(n);
  }
  buf_.clear();
}

void FileOutput::commit() {
  flush_buffer();
  if (direct_) {
    committed_ = true;
    return;
  }
  if (::fsync(fd_) != 0) throw IoError(shown_ + ": cannot write: " + errno_text(errno));
  int fd = fd_;
  fd_ = -1;
  if (::close(fd) != 0) throw IoError(shown_ + ": cannot write: " + errno_text(errno));
  if (::rename(temp_.c_str(), target_.c_str()) != 0)
    throw IoError(target_ + ": cannot replace: " + errno_text(errno));
  committed_ = true;
  cleanup_drop(cleanup_slot_);
}

namespace {
// Removes a folder of plain files (one of our own temp or old package folders).
void remove_folder(const std::string& dir) {
  if (DIR* d = ::opendir(dir.c_str())) {
    while (dirent* e = ::readdir(d)) {
      std::string n = e->d_name;
      if (n != "." && n != "..") ::unlink((dir + "/" + n).c_str());
    }
    ::closedir(d);
  }
  ::rmdir(dir.c_str());
}
}  // namespace

DirOutput::DirOutput(std::string target) : target_(std::move(target)) {
  while (target_.size() > 1 && target_.back() == '/') target_.pop_back();
  struct stat st {};
  if (::stat(target_.c_str(), &st) == 0) {
    if (!S_ISDIR(st.st_mode)) throw IoError(target_ + ": exists and is not a folder");
    bool empty = true, package = false;
    if (DIR* d = ::opendir(target_.c_str())) {
      while (dirent* e = ::readdir(d)) {
        std::string n = e->d_name;
        if (n == "." || n == "..") continue;
        empty = false;
        if (n == "_meta.csv") package = true;
      }
      ::closedir(d);
    }
    if (!empty && !package)
      throw IoError(target_ + ": the folder is not empty and holds no projconv package (_meta.csv); "
                              "write the package to a new or empty folder");
  }
  std::string tmpl = target_ + ".projconv-XXXXXX";
  {
    SignalsHeld held;
    if (!::mkdtemp(tmpl.data()))
      throw IoError(target_ + ": cannot create a folder beside it: " + errno_text(errno));
    cleanup_slots_.push_back(cleanup_add(tmpl, kSlotFolder));
  }
  temp_ = tmpl;
  // mkdtemp makes 0700; give the package the usual mode, as a plain mkdir would.
  mode_t mask = ::umask(0);
  ::umask(mask);
  ::chmod(temp_.c_str(), 0777 & ~mask);
}

DirOutput::~DirOutput() {
  if (!committed_) {
    files_.clear();  // their destructors remove their temp files
    remove_folder(temp_);
  }
  for (int& slot : cleanup_slots_) cleanup_drop(slot);
}

void DirOutput::write(std::string_view) { throw IoError(target_ + ": a package is written file by file"); }

Output& DirOutput::file(const std::string& name) {
  // The file takes this name inside the temp folder when it is committed, before the folder is swapped in.
  cleanup_slots_.push_back(cleanup_add(temp_ + "/" + name, kSlotFile));
  files_.push_back(std::make_unique<FileOutput>(temp_ + "/" + name, target_ + "/" + name));
  return *files_.back();
}

void DirOutput::commit() {
  for (auto& f : files_) f->commit();
  // A signal now would leave the target missing or the old package half removed: it waits until the end.
  SignalsHeld held;
  struct stat st {};
  std::string old;  // where the old package ends up, to be removed once the new one has its name
  if (::stat(target_.c_str(), &st) != 0) {
    if (::rename(temp_.c_str(), target_.c_str()) != 0)
      throw IoError(target_ + ": cannot replace: " + errno_text(errno));
  } else if (::renameat2(AT_FDCWD, temp_.c_str(), AT_FDCWD, target_.c_str(), RENAME_EXCHANGE) == 0) {
    old = temp_;  // one atomic swap: the target is never missing
  } else if (errno != EINVAL && errno != ENOSYS && errno != EOPNOTSUPP) {
    throw IoError(target_ + ": cannot replace: " + errno_text(errno));
  } else {
    // The file system cannot swap: move the old package aside under a fresh name (a folder left by a crash
    // under an earlier name does not block this), then put the new one in its place.
    std::string aside = target_ + ".projconv-old-XXXXXX";
    if (!::mkdtemp(aside.data())) throw IoError(target_ + ": cannot replace: " + errno_text(errno));
    if (::rename(target_.c_str(), aside.c_str()) != 0) {
      int err = errno;
      ::rmdir(aside.c_str());
      throw IoError(target_ + ": cannot replace: " + errno_text(err));
    }
    if (::rename(temp_.c_str(), target_.c_str()) != 0) {
      int err = errno;
      ::rename(aside.c_str(), target_.c_str());
      throw IoError(target_ + ": cannot replace: " + errno_text(err));
    }
    old = aside;
  }
  committed_ = true;
  for (int& slot : cleanup_slots_) cleanup_drop(slot);
  if (!old.empty()) remove_folder(old);
}

void install_signal_cleanup() {
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  std::signal(SIGHUP, on_signal);
  // Ignored so a full file-size limit shows as EFBIG from write() rather than killing us mid-file.
  std::signal(SIGXFSZ, SIG_IGN);
}

}  // namespace projconv
