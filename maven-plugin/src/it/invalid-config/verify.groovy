def log = new File(basedir, 'build.log').text
// -Dbroken
assert log.contains('<models><model><onnx>:') : 'error does not name the element'
assert log.contains('exports/dinov2-vitb14/model.onnx does not exist')
assert log.contains('export it with tools/export/export.py')
// -Dbadscenario
assert log.contains("<scenarios><scenario>: unknown scenario 'frozen-lineer'; use frozen-linear, unfrozen-linear, frozen-deit, unfrozen-deit")
// -Dtransfer.models=nope
assert log.contains("-Dtransfer.models / -Dtransfer.datasets / -Dtransfer.scenarios: filter names model 'nope', which is not in the plan; known: [deit-b16]")
// -Dlegacy: a training setting at the top level (read there before <training>) is not ignored silently
assert log.contains('<epochs>: a training setting at the top level is not read; move it into <training><epochs>…</epochs></training>')
// -Dtransfer.epochs=0: every training setting is a property, checked like the POM's
assert log.contains('<training><epochs>: 0 must be at least 1')
// -Dbaddataset: a relative <path> resolves against the project directory, as a File parameter would
assert log.contains('<datasets><dataset><path>: ' + new File(basedir, 'nowhere').canonicalPath + " does not exist (dataset 'x')")
// -Dbadoption: a reader option is parsed and checked by the library, naming the dataset
assert log.contains("<datasets><dataset> 'x' <skipBadImages>: 'yes' is not true or false")
assert !new File(basedir, 'target/transfer-benchmark/cells').exists() : 'cells ran despite the invalid configuration'
return true
