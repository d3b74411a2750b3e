// Wires a reader to a writer for one conversion.
#include "formats/pipeline.hpp"

#include "check/validator.hpp"

namespace projconv {

const FormatInfo* sniff_source(Source& in) { return format_by_content(in.peek(512)); }

ValidateResult validate(Source& in, const FormatInfo& fmt, const ValidateOptions& vopt, Reporter& rep,
                        const std::string& file, const std::string& path, size_t max_depth,
                        uint64_t max_input_size) {
  Validator v(vopt, file, rep, nullptr);
  ReadOptions ro;
  ro.file = file;
  ro.path = path;
  ro.schema = &Schema::builtin();
  ro.organisations = true;
  ro.keep_going = true;
  ro.max_depth = max_depth;
  ro.max_input_size = max_input_size;
  ValidateResult res;
  res.read = fmt.read(in, v, v.reporter(), ro);
  res.errors = v.counts().errors;
  res.warnings = v.counts().warnings;
  res.activities = v.activities();
  res.invalid = v.invalid_activities();
  return res;
}

ConvertResult convert(Source& in, Output& out, Reporter& rep, const ConvertOptions& opt) {
  ConvertResult res;
  const FormatInfo* from = opt.from ? opt.from : sniff_source(in);
  if (!from) {
    Diagnostic d = make_diag("unknown-format").fact("what", opt.file).fact("detail", "it is neither XML nor JSON");
    d.file = opt.file;
    rep.report(std::move(d));
    res.read = ReadResult::DataError;
    return res;
  }
  WriteOptions wo;
  wo.schema = &Schema::builtin();
  wo.reporter = &rep;
  wo.file = opt.file;
  wo.csv_bom = opt.csv_bom;
  wo.csv_safe = opt.csv_safe;
  std::unique_ptr<Sink> writer = opt.to->make_writer(out, wo);
  ReadOptions ro;
  ro.file = opt.file;
  ro.schema = wo.schema;
  ro.max_depth = opt.max_depth;
  ro.max_input_size = opt.max_input_size;
  ro.path = opt.path;
  if (opt.to->two_pass) {
    // Pass 1 plans the columns; its findings are only shown if the input cannot be read at all.
    if (!from->directory) in.prepare_rewind();
    CollectingReporter quiet;
    res.read = from->read(in, *writer, quiet, ro);
    if (res.read != ReadResult::Ok) {
      for (Diagnostic& d : quiet.diags) rep.report(std::move(d));
      return res;
    }
    if (!from->directory) in.rewind();
  }
  if (!opt.validate) {
    res.read = from->read(in, *writer, rep, ro);
    return res;
  }
  Validator v(*opt.validate, opt.file, rep, writer.get());
  res.read = from->read(in, v, v.reporter(), ro);
  res.errors = v.counts().errors;
  res.warnings = v.counts().warnings;
  res.activities = v.activities();
  res.invalid = v.invalid_activities();
  return res;
}

}  // namespace projconv
