// Byte sources (a file, stdin or memory, with a peek for sniffing) and outputs (atomic files, stdout, memory).
#pragma once
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <sys/stat.h>
#include <vector>

namespace projconv {

// Caps that keep memory bounded whatever the input: one value (a text, an attribute, a CSV cell, a JSON
// string), and one item a reader holds whole (an XML activity or tag, a CSV record).
inline constexpr size_t kMaxValueBytes = size_t{64} << 20;
inline constexpr size_t kMaxItemBytes = size_t{256} << 20;

// An environment fault (unreadable input, unwritable output): exit code 2.
class IoError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Source {
 public:
  virtual ~Source() = default;
  // "-" is stdin. Throws IoError when the file cannot be opened.
  static std::unique_ptr<Source> open(const std::string& path);
  static std::unique_ptr<Source> from_string(std::string data, std::string name);

  // Reads up to n bytes; 0 at end of input. Throws IoError.
  size_t read(char* buf, size_t n);
  // The first bytes of the input without consuming them (fewer at end of input).
  std::string_view peek(size_t n);
  const std::string& name() const { return name_; }
  // Identity of the underlying file, to refuse writing over the input.
  bool stat(struct stat& st) const;
  // For formats written in two passes: before the first pass, an input that cannot seek (a pipe, stdin)
  // is copied to an unlinked temp file; rewind() then starts again from the beginning. Throw IoError.
  void prepare_rewind();
  void rewind();
  // --max-input-size: reading more than `max_bytes` (0: no limit) throws IoError; a regular file that is
  // already larger is refused here, before anything is read.
  void set_limit(uint64_t max_bytes);

 protected:
  explicit Source(std::string name) : name_(std::move(name)) {}
  virtual size_t read_raw(char* buf, size_t n) = 0;
  virtual int fd() const { return -1; }
  virtual void rewind_raw() = 0;
  // Counts bytes taken from the underlying input against the limit.
  void consumed(size_t n);

 private:
  std::string name_;
  std::string pushback_;
  size_t pushback_pos_ = 0;
  uint64_t limit_ = 0, consumed_ = 0;
};

// "1 GiB", "512 MiB", "1500 bytes": how a size limit is shown.
std::string size_text(uint64_t bytes);
// Parses "1G", "512M", "64K", "1500" (binary units; 0: no limit); false when it is not such a size.
bool parse_size(const std::string& text, uint64_t& bytes);

// UTF-16 (little- or big-endian) read as UTF-8, converted as it is read with bounded memory, so a reader of
// UTF-8 sees the same characters, on the same lines and columns, as the original holds. The byte order
// mark becomes the UTF-8 one. A lone surrogate or an odd last byte ends the input there, and error() says
// what was wrong; the reader knows where, from what it was given.
class Utf16Source : public Source {
 public:
  Utf16Source(Source& inner, bool big_endian);
  const std::string& error() const { return error_; }

 protected:
  size_t read_raw(char* buf, size_t n) override;
  void rewind_raw() override;

 private:
  void convert();
  Source& inner_;
  bool big_endian_;
  std::vector<char> in_ = std::vector<char>(1 << 16);  // UTF-16 bytes read but not yet converted
  size_t in_pos_ = 0, in_len_ = 0;
  bool inner_done_ = false;
  std::string out_;  // converted but not yet delivered
  size_t out_pos_ = 0;
  bool stopped_ = false;  // at the end of the input, or at the error
  std::string error_;
};

class Output {
 public:
  virtual ~Output() = default;
  // Throws IoError on a failed write.
  virtual void write(std::string_view data) = 0;
};

class StringOutput : public Output {
 public:
  void write(std::string_view data) override { text.append(data); }
  std::string text;
};

// Writes to a temp file beside the target and renames it over the target only on commit(), so a failed
// run leaves no output and an old file untouched. Non-regular targets (`-`, /dev/full, a FIFO) are
// written directly. Every write is checked; the destructor removes the temp file if commit() never ran.
class FileOutput : public Output {
 public:
  // `shown` names the file in messages when the target is not what the user asked for (a package's file,
  // written inside the package's temp folder).
  explicit FileOutput(std::string target, std::string shown = "");
  ~FileOutput() override;
  FileOutput(const FileOutput&) = delete;
  FileOutput& operator=(const FileOutput&) = delete;

  void write(std::string_view data) override;
  void commit();
  const std::string& target() const { return target_; }

 private:
  void flush_buffer();
  std::string target_;
  std::string shown_;  // the target as messages name it
  std::string temp_;
  int fd_ = -1;
  int cleanup_slot_ = -1;  // where the signal handler finds temp_
  bool direct_ = false;
  bool committed_ = false;
  std::string buf_;
};

// A folder of files written together (the CSV table package): the files go into a temp folder beside the
// target, which replaces the target only on commit(). An existing target must be empty or an earlier
// package (it holds _meta.csv); anything else is refused rather than mixed with.
class DirOutput : public Output {
 public:
  explicit DirOutput(std::string target);
  ~DirOutput() override;
  DirOutput(const DirOutput&) = delete;
  DirOutput& operator=(const DirOutput&) = delete;

  void write(std::string_view) override;  // not a stream: use file()
  Output& file(const std::string& name);  // a new file in the folder
  void commit();

 private:
  std::string target_, temp_;
  std::vector<std::unique_ptr<FileOutput>> files_;
  std::vector<int> cleanup_slots_;  // the temp folder and its files' final names, for the signal handler
  bool committed_ = false;
};

// Removes pending temp files and a package's temp folder when the process is interrupted (SIGINT, SIGTERM,
// SIGHUP), and turns a file-size limit (SIGXFSZ) into a failed write.
void install_signal_cleanup();

}  // namespace projconv
