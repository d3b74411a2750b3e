// Wires a reader to a writer for one conversion.
#include "formats/pipeline.hpp"

namespace projconv {

const FormatInfo* sniff_source(Source& in) { return format_by_content(in.peek(512)); }

ReadResult convert(Source& in, Output& out, Reporter& rep, const ConvertOptions& opt) {
  const FormatInfo* from = opt.from ? opt.from : sniff_source(in);
  if (!from) {
    Diagnostic d = make_diag("unknown-format").fact("what", opt.file).fact("detail", "it is neither XML nor JSON");
    d.file = opt.file;
    rep.report(std::move(d));
    return ReadResult::DataError;
  }
  WriteOptions wo;
  wo.schema = &Schema::builtin();
  wo.reporter = &rep;
  wo.file = opt.file;
  std::unique_ptr<Sink> writer = opt.to->make_writer(out, wo);
  ReadOptions ro;
  ro.file = opt.file;
  ro.schema = wo.schema;
  ro.max_depth = opt.max_depth;
  return from->read(in, *writer, rep, ro);
}

}  // namespace projconv
