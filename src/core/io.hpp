// Byte sources (a file, stdin or memory, with a peek for sniffing) and outputs (atomic files, stdout, memory).
#pragma once
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <sys/stat.h>
#include <vector>

namespace projconv {

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

 protected:
  explicit Source(std::string name) : name_(std::move(name)) {}
  virtual size_t read_raw(char* buf, size_t n) = 0;
  virtual int fd() const { return -1; }
  virtual void rewind_raw() = 0;

 private:
  std::string name_;
  std::string pushback_;
  size_t pushback_pos_ = 0;
};

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
  explicit FileOutput(std::string target);
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
  bool committed_ = false;
};

// Removes a pending temp file when the process is interrupted (SIGINT, SIGTERM).
void install_signal_cleanup();

}  // namespace projconv
