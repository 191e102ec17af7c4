def log = new File(basedir, 'build.log').text
assert log.contains('transfer:benchmark skipped (transfer.skip)')
assert log.contains('transfer:report skipped (transfer.skip)')
assert !new File(basedir, 'target').exists() : 'skip still wrote output'
return true
