// Result<T>: a value or an Error with a stable code; the library never throws across its API.
#pragma once
#include <string>
#include <utility>
#include <variant>

namespace sagsindeks {

// Stable error codes: case systems branch on these, so they never change meaning.
// The table lives in README.md ("Error codes").
struct Error {
  std::string code;     // e.g. "empty", "binary", "encoding", "too_large", "io"
  std::string message;  // one sentence a person can act on
};

template <class T>
class Result {
 public:
  Result(T value) : v_(std::move(value)) {}
  Result(Error error) : v_(std::move(error)) {}
  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() { return std::get<0>(v_); }
  const T& value() const { return std::get<0>(v_); }
  T& operator*() { return value(); }
  const T& operator*() const { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  const Error& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, Error> v_;
};

}  // namespace sagsindeks
