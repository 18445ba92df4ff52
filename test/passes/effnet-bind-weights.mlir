// RUN: effnet-opt %s -split-input-file --effnet-bind-weights="random=7" | effnet-opt -split-input-file | FileCheck %s --check-prefix=RANDOM
// RUN: %python %S/../oracle/safetensors_file.py %t.safetensors m.w:F32:2x3 m.b:F32:2 m.n:I64:scalar m.h:F16:3
// RUN: effnet-opt %s -split-input-file -verify-diagnostics --effnet-bind-weights="file=%t.safetensors naming=canonical" | FileCheck %s --check-prefix=FILE

// Every unbound weight gets a dense_resource blob named after it; a weight
// that has a value keeps it. The output parses and verifies again (second
// effnet-opt), and random values are the same on every platform.
// RANDOM-LABEL: func.func @bind
// RANDOM: effnet.weight "m.w" {value = dense_resource<m.w> : tensor<2x3xf32>} : tensor<2x3xf32>
// RANDOM: effnet.weight "m.b" {value = dense_resource<m.b> : tensor<2xf32>} : tensor<2xf32>
// RANDOM: effnet.weight "m.bound" {value = dense<5.000000e-01> : tensor<2xf32>} : tensor<2xf32>
// RANDOM: dialect_resources
// RANDOM-DAG: m.w: "0x04000000900C653E900D073F34D0D83E3ED14A3F44D27E3FF8C161BF"
// RANDOM-DAG: m.b: "0x04000000C4F3C13F8358C2BE"

// With a file of canonical names, values are the file's (the helper fills
// each tensor with 0, 1, 2, ...); the file's other tensors are not needed.
// FILE-LABEL: func.func @bind
// FILE: effnet.weight "m.w" {value = dense_resource<m.w> : tensor<2x3xf32>}
// FILE: effnet.weight "m.b" {value = dense_resource<m.b> : tensor<2xf32>}
// FILE: effnet.weight "m.bound" {value = dense<5.000000e-01> : tensor<2xf32>}
// FILE: m.w: "0x04000000000000000000803F0000004000004040000080400000A040"
// FILE: m.b: "0x04000000000000000000803F"
func.func @bind() -> (tensor<2x3xf32>, tensor<2xf32>, tensor<2xf32>) {
  %0 = effnet.weight "m.w" : tensor<2x3xf32>
  %1 = effnet.weight "m.b" : tensor<2xf32>
  %2 = effnet.weight "m.bound" {value = dense<0.5> : tensor<2xf32>} : tensor<2xf32>
  return %0, %1, %2 : tensor<2x3xf32>, tensor<2xf32>, tensor<2xf32>
}

// -----

// A weight the file does not hold.
// RANDOM-LABEL: func.func @missing
// RANDOM: effnet.weight "m.missing" {value = dense_resource<m.missing> : tensor<4xf32>}
func.func @missing() -> tensor<4xf32> {
  // expected-error-re@+1 {{'effnet.weight' op cannot bind 'm.missing': {{.*}}.safetensors: no tensor 'm.missing'{{$}}}}
  %0 = effnet.weight "m.missing" : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// A tensor of another shape; both shapes are named.
// RANDOM-LABEL: func.func @wrong_shape
func.func @wrong_shape() -> tensor<3x2xf32> {
  // expected-error-re@+1 {{'effnet.weight' op cannot bind 'm.w': {{.*}}.safetensors: tensor 'm.w' has shape [2, 3], expected [3, 2]{{$}}}}
  %0 = effnet.weight "m.w" : tensor<3x2xf32>
  return %0 : tensor<3x2xf32>
}

// -----

// Tensors that are not F32: an I64 counter, an F16 tensor.
// RANDOM-LABEL: func.func @wrong_dtype
func.func @wrong_dtype() -> tensor<f32> {
  // expected-error-re@+1 {{'effnet.weight' op cannot bind 'm.n': {{.*}}.safetensors: tensor 'm.n' is I64, expected F32{{$}}}}
  %0 = effnet.weight "m.n" : tensor<f32>
  return %0 : tensor<f32>
}

// -----

// RANDOM-LABEL: func.func @wrong_dtype_f16
func.func @wrong_dtype_f16() -> tensor<3xf32> {
  // expected-error-re@+1 {{'effnet.weight' op cannot bind 'm.h': {{.*}}.safetensors: tensor 'm.h' is F16, expected F32{{$}}}}
  %0 = effnet.weight "m.h" : tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

// Random values follow the name: a batch-norm variance lies in [0.5, 1.5].
// RANDOM-LABEL: func.func @by_name
// RANDOM: effnet.weight "blocks.0.0.dw.bn.running_var" {value = dense_resource<blocks.0.0.dw.bn.running_var> : tensor<2xf32>}
// RANDOM: blocks.0.0.dw.bn.running_var: "0x04000000161ABF3FCC048E3F"
func.func @by_name() -> tensor<2xf32> {
  // expected-error-re@+1 {{'effnet.weight' op cannot bind 'blocks.0.0.dw.bn.running_var': {{.*}}: no tensor 'blocks.0.0.dw.bn.running_var'}}
  %0 = effnet.weight "blocks.0.0.dw.bn.running_var" : tensor<2xf32>
  return %0 : tensor<2xf32>
}
