#pragma once
// Real venvs made with `python3 -m venv`, for the venv check's tests.
#include <string>

namespace test_support {

// Makes a venv at path (with pip, so site-packages holds a real pip-*.dist-info).
void make_venv(const std::string &path, bool with_pip = true);
// "3.11": the version of the interpreter the test venvs are made with.
std::string venv_python_version(const std::string &venv);

}  // namespace test_support
