// RUN: effnet-opt %s -split-input-file --effnet-print-plan -verify-diagnostics -o /dev/null

// Every diagnostic of code generation's planning (codegen/Plan.cpp), through
// effnet-print-plan, which plans as effnetc -o does.

// A model takes one image batch and returns at least one result.
// expected-error@+1 {{'func.func' op expects one N x C x H x W input and at least one result}}
func.func @two_inputs(%x: tensor<1x3x4x4xf32>, %y: tensor<1x3x4x4xf32>) -> tensor<1x3x4x4xf32> {
  return %x : tensor<1x3x4x4xf32>
}

// -----

// ... results that something computes.
// expected-error@+1 {{'func.func' op expects its results to be computed, not its input}}
func.func @image_out(%x: tensor<1x3x4x4xf32>) -> tensor<1x3x4x4xf32> {
  return %x : tensor<1x3x4x4xf32>
}

// -----

// Several results are named by effnet.outputs, one name each.
// expected-error@+1 {{'func.func' op expects 'effnet.outputs' to name each of its 2 results}}
func.func @unnamed(%x: tensor<1x3x4x4xf32>) -> (tensor<1x3x4x4xf32>, tensor<1x3x4x4xf32>) {
  return %x, %x : tensor<1x3x4x4xf32>, tensor<1x3x4x4xf32>
}

// -----

// expected-error@+1 {{'func.func' op expects 'effnet.outputs' to name each of its 1 results}}
func.func @misnamed(%x: tensor<1x3x4x4xf32>) -> tensor<1x3x4x4xf32> attributes {effnet.outputs = [1 : i64]} {
  return %x : tensor<1x3x4x4xf32>
}

// -----

// Code generation starts from groups.
func.func @ungrouped(%x: tensor<1x3x4x4xf32>) -> tensor<1x3xf32> {
  // expected-error@+1 {{'effnet.global_avg_pool' op expects only effnet.group ops at the top level: run effnet-fuse before code generation}}
  %a = effnet.global_avg_pool %x : tensor<1x3x4x4xf32> -> tensor<1x3x1x1xf32>
  %f = effnet.flatten %a : tensor<1x3x1x1xf32> -> tensor<1x3xf32>
  return %f : tensor<1x3xf32>
}

// -----

// A group computes something.
func.func @nothing(%x: tensor<1x3x4x4xf32>) -> tensor<1x3xf32> {
  // expected-error@+1 {{'effnet.group' op expects at least one op to compute}}
  %0 = effnet.group "copy"(%x) : (tensor<1x3x4x4xf32>) -> tensor<1x3x4x4xf32> {
  ^bb0(%in: tensor<1x3x4x4xf32>):
    effnet.yield %in : tensor<1x3x4x4xf32>
  }
  %p = effnet.group "pool"(%x) : (tensor<1x3x4x4xf32>) -> tensor<1x3xf32> {
  ^bb0(%in: tensor<1x3x4x4xf32>):
    %a = effnet.global_avg_pool %in : tensor<1x3x4x4xf32> -> tensor<1x3x1x1xf32>
    %f = effnet.flatten %a : tensor<1x3x1x1xf32> -> tensor<1x3xf32>
    effnet.yield %f : tensor<1x3xf32>
  }
  return %p : tensor<1x3xf32>
}

// -----

// Weights are effnet.weight ops inside the group, not inputs.
func.func @weight_input(%x: tensor<1x3x4x4xf32>) -> tensor<1x3xf32> {
  %0 = effnet.group "conv"(%x) : (tensor<1x3x4x4xf32>) -> tensor<1x1x1x1xf32> {
  ^bb0(%in: tensor<1x3x4x4xf32>):
    // expected-error@+1 {{'effnet.conv2d' op expects its weights to be effnet.weight ops}}
    %c = effnet.conv2d %in, %in : (tensor<1x3x4x4xf32>, tensor<1x3x4x4xf32>) -> tensor<1x1x1x1xf32>
    effnet.yield %c : tensor<1x1x1x1xf32>
  }
  %p = effnet.group "pool"(%x) : (tensor<1x3x4x4xf32>) -> tensor<1x3xf32> {
  ^bb0(%in: tensor<1x3x4x4xf32>):
    %a = effnet.global_avg_pool %in : tensor<1x3x4x4xf32> -> tensor<1x3x1x1xf32>
    %f = effnet.flatten %a : tensor<1x3x1x1xf32> -> tensor<1x3xf32>
    effnet.yield %f : tensor<1x3xf32>
  }
  return %p : tensor<1x3xf32>
}

// -----

// Weights need values: bind them first.
func.func @unbound(%x: tensor<1x3x4x4xf32>) -> tensor<1x3xf32> {
  %0 = effnet.group "conv"(%x) : (tensor<1x3x4x4xf32>) -> tensor<1x8x4x4xf32> {
  ^bb0(%in: tensor<1x3x4x4xf32>):
    // expected-error@+1 {{'effnet.weight' op expects a bound value (run effnet-bind-weights)}}
    %w = effnet.weight "w" : tensor<8x3x1x1xf32>
    %c = effnet.conv2d %in, %w : (tensor<1x3x4x4xf32>, tensor<8x3x1x1xf32>) -> tensor<1x8x4x4xf32>
    effnet.yield %c : tensor<1x8x4x4xf32>
  }
  %p = effnet.group "pool"(%x) : (tensor<1x3x4x4xf32>) -> tensor<1x3xf32> {
  ^bb0(%in: tensor<1x3x4x4xf32>):
    %a = effnet.global_avg_pool %in : tensor<1x3x4x4xf32> -> tensor<1x3x1x1xf32>
    %f = effnet.flatten %a : tensor<1x3x1x1xf32> -> tensor<1x3xf32>
    effnet.yield %f : tensor<1x3xf32>
  }
  return %p : tensor<1x3xf32>
}

// -----

// A group is one anchor and an epilogue: a second convolution does not fit.
func.func @two_convs(%x: tensor<1x3x4x4xf32>) -> tensor<1x3xf32> {
  %0 = effnet.group "convs"(%x) : (tensor<1x3x4x4xf32>) -> tensor<1x3x4x4xf32> {
  ^bb0(%in: tensor<1x3x4x4xf32>):
    %w = effnet.weight "w" {value = dense<1.0> : tensor<3x3x1x1xf32>} : tensor<3x3x1x1xf32>
    %c = effnet.conv2d %in, %w : (tensor<1x3x4x4xf32>, tensor<3x3x1x1xf32>) -> tensor<1x3x4x4xf32>
    // expected-error@+1 {{'effnet.conv2d' op is not supported by code generation in this place of a group}}
    %d = effnet.conv2d %c, %w : (tensor<1x3x4x4xf32>, tensor<3x3x1x1xf32>) -> tensor<1x3x4x4xf32>
    effnet.yield %d : tensor<1x3x4x4xf32>
  }
  %p = effnet.group "pool"(%x) : (tensor<1x3x4x4xf32>) -> tensor<1x3xf32> {
  ^bb0(%in: tensor<1x3x4x4xf32>):
    %a = effnet.global_avg_pool %in : tensor<1x3x4x4xf32> -> tensor<1x3x1x1xf32>
    %f = effnet.flatten %a : tensor<1x3x1x1xf32> -> tensor<1x3xf32>
    effnet.yield %f : tensor<1x3xf32>
  }
  return %p : tensor<1x3xf32>
}

// -----

// An elementwise group starts from one of its inputs.
func.func @start_from_weight(%x: tensor<1x3x4x4xf32>) -> tensor<1x3xf32> {
  %0 = effnet.group "act"(%x) : (tensor<1x3x4x4xf32>) -> tensor<1x3x4x4xf32> {
  ^bb0(%in: tensor<1x3x4x4xf32>):
    %w = effnet.weight "w" {value = dense<1.0> : tensor<1x3x4x4xf32>} : tensor<1x3x4x4xf32>
    // expected-error@+1 {{'effnet.add' op expects this operand to be an input of its group}}
    %a = effnet.add %w, %in : tensor<1x3x4x4xf32>
    effnet.yield %a : tensor<1x3x4x4xf32>
  }
  %p = effnet.group "pool"(%x) : (tensor<1x3x4x4xf32>) -> tensor<1x3xf32> {
  ^bb0(%in: tensor<1x3x4x4xf32>):
    %a = effnet.global_avg_pool %in : tensor<1x3x4x4xf32> -> tensor<1x3x1x1xf32>
    %f = effnet.flatten %a : tensor<1x3x1x1xf32> -> tensor<1x3xf32>
    effnet.yield %f : tensor<1x3xf32>
  }
  return %p : tensor<1x3xf32>
}

// -----

// A channel scale in front of a convolution scales another tensor.
func.func @self_scale(%x: tensor<1x3x4x4xf32>) -> tensor<1x3xf32> {
  %q = effnet.group "pool0"(%x) {schedule = #effnet.schedule<tile = [1, 1, 1], vector = 1, order = [y, x, c]>} : (tensor<1x3x4x4xf32>) -> tensor<1x3x1x1xf32> {
  ^bb0(%in: tensor<1x3x4x4xf32>):
    %a = effnet.global_avg_pool %in : tensor<1x3x4x4xf32> -> tensor<1x3x1x1xf32>
    effnet.yield %a : tensor<1x3x1x1xf32>
  }
  %0 = effnet.group "project"(%q) {schedule = #effnet.schedule<tile = [1, 1, 1], vector = 1, order = [y, x, c]>} : (tensor<1x3x1x1xf32>) -> tensor<1x3x1x1xf32> {
  ^bb0(%in: tensor<1x3x1x1xf32>):
    %w = effnet.weight "w" {value = dense<1.0> : tensor<3x3x1x1xf32>} : tensor<3x3x1x1xf32>
    // expected-error@+1 {{'effnet.channel_mul' op expects the scale and the scaled tensor to differ}}
    %m = effnet.channel_mul %in, %in : tensor<1x3x1x1xf32>, tensor<1x3x1x1xf32>
    %c = effnet.conv2d %m, %w : (tensor<1x3x1x1xf32>, tensor<3x3x1x1xf32>) -> tensor<1x3x1x1xf32>
    effnet.yield %c : tensor<1x3x1x1xf32>
  }
  %p = effnet.group "pool"(%x) : (tensor<1x3x4x4xf32>) -> tensor<1x3xf32> {
  ^bb0(%in: tensor<1x3x4x4xf32>):
    %a = effnet.global_avg_pool %in : tensor<1x3x4x4xf32> -> tensor<1x3x1x1xf32>
    %f = effnet.flatten %a : tensor<1x3x1x1xf32> -> tensor<1x3xf32>
    effnet.yield %f : tensor<1x3xf32>
  }
  return %p : tensor<1x3xf32>
}

// -----

// A group yields what it computes last.
func.func @yield_early(%x: tensor<1x3x4x4xf32>) -> tensor<1x3xf32> {
  %0 = effnet.group "act"(%x) : (tensor<1x3x4x4xf32>) -> tensor<1x3x4x4xf32> {
  ^bb0(%in: tensor<1x3x4x4xf32>):
    %a = effnet.activation relu %in : tensor<1x3x4x4xf32>
    %b = effnet.activation sigmoid %a : tensor<1x3x4x4xf32>
    // expected-error@+1 {{'effnet.yield' op expects to yield the last value its group computes}}
    effnet.yield %a : tensor<1x3x4x4xf32>
  }
  %p = effnet.group "pool"(%x) : (tensor<1x3x4x4xf32>) -> tensor<1x3xf32> {
  ^bb0(%in: tensor<1x3x4x4xf32>):
    %a = effnet.global_avg_pool %in : tensor<1x3x4x4xf32> -> tensor<1x3x1x1xf32>
    %f = effnet.flatten %a : tensor<1x3x1x1xf32> -> tensor<1x3xf32>
    effnet.yield %f : tensor<1x3xf32>
  }
  return %p : tensor<1x3xf32>
}

// -----

// Every group has a schedule: effnet-tile runs first.
func.func @unscheduled(%x: tensor<1x3x4x4xf32>) -> tensor<1x3xf32> {
  // expected-error@+1 {{'effnet.group' op expects a schedule: run effnet-tile before code generation}}
  %p = effnet.group "pool"(%x) : (tensor<1x3x4x4xf32>) -> tensor<1x3xf32> {
  ^bb0(%in: tensor<1x3x4x4xf32>):
    %a = effnet.global_avg_pool %in : tensor<1x3x4x4xf32> -> tensor<1x3x1x1xf32>
    %f = effnet.flatten %a : tensor<1x3x1x1xf32> -> tensor<1x3xf32>
    effnet.yield %f : tensor<1x3xf32>
  }
  return %p : tensor<1x3xf32>
}
