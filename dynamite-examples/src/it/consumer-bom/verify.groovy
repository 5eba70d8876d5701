// The build passing is not enough: make sure the enforcer rules really ran and the tests really ran.
def log = new File(basedir, 'build.log').text
assert log.contains('DependencyConvergence passed') : 'dependencyConvergence did not run'
assert log.contains('RequireUpperBoundDeps passed') : 'requireUpperBoundDeps did not run'
assert log.contains('Tests run: 2, Failures: 0, Errors: 0, Skipped: 0') : 'the consumer tests did not all run'
true
