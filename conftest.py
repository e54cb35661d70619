# Fixtures shared by every test folder (the apps' tests and tests/).
pytest_plugins = ["tests.fixtures", "tests.smtp", "tests.browser_fixtures"]
