// RUN: effnet-opt %s -split-input-file -verify-diagnostics

// A stage needs at least one block.
func.func @stage_repeats(%x: tensor<1x16x8x8xf32>) {
  // expected-error@+1 {{'effnet.stage' op expects repeats in [1, 4096], got 0}}
  %0 = effnet.stage mbconv %x {repeats = 0 : i64, kernel = 3 : i64, stride = 1 : i64, expand_ratio = 6.0 : f64, out_channels = 16 : i64} : tensor<1x16x8x8xf32> -> tensor<1x16x8x8xf32>
  return
}

// -----

// Output channels must be positive.
func.func @stage_out_channels(%x: tensor<1x16x8x8xf32>) {
  // expected-error@+1 {{expects out_channels in [1, 1048576], got -4}}
  %0 = effnet.stage mbconv %x {repeats = 1 : i64, kernel = 3 : i64, stride = 1 : i64, expand_ratio = 6.0 : f64, out_channels = -4 : i64} : tensor<1x16x8x8xf32> -> tensor<1x16x8x8xf32>
  return
}

// -----

// The expansion ratio must be positive.
func.func @stage_expand_ratio(%x: tensor<1x16x8x8xf32>) {
  // expected-error@+1 {{expects expand_ratio in (0, 64], got 0}}
  %0 = effnet.stage mbconv %x {repeats = 1 : i64, kernel = 3 : i64, stride = 1 : i64, expand_ratio = 0.0 : f64, out_channels = 16 : i64} : tensor<1x16x8x8xf32> -> tensor<1x16x8x8xf32>
  return
}

// -----

// The squeeze ratio is a fraction.
func.func @stage_se_ratio(%x: tensor<1x16x8x8xf32>) {
  // expected-error@+1 {{expects se_ratio in [0, 1], got 1.5}}
  %0 = effnet.stage mbconv %x {repeats = 1 : i64, kernel = 3 : i64, stride = 1 : i64, expand_ratio = 6.0 : f64, out_channels = 16 : i64, se_ratio = 1.5 : f64} : tensor<1x16x8x8xf32> -> tensor<1x16x8x8xf32>
  return
}

// -----

// Stochastic depth is a drop rate.
func.func @stage_stochastic_depth(%x: tensor<1x16x8x8xf32>) {
  // expected-error@+1 {{expects stochastic_depth in [0, 1), got 1}}
  %0 = effnet.stage mbconv %x {repeats = 1 : i64, kernel = 3 : i64, stride = 1 : i64, expand_ratio = 6.0 : f64, out_channels = 16 : i64, stochastic_depth = 1.0 : f64} : tensor<1x16x8x8xf32> -> tensor<1x16x8x8xf32>
  return
}

// -----

// Batch-norm epsilon must be positive.
func.func @stage_bn_eps(%x: tensor<1x16x8x8xf32>) {
  // expected-error@+1 {{expects bn_eps to be positive, got 0}}
  %0 = effnet.stage mbconv %x {repeats = 1 : i64, kernel = 3 : i64, stride = 1 : i64, expand_ratio = 6.0 : f64, out_channels = 16 : i64, bn_eps = 0.0 : f64} : tensor<1x16x8x8xf32> -> tensor<1x16x8x8xf32>
  return
}

// -----

// Kernels are at least 1x1.
func.func @stage_kernel(%x: tensor<1x16x8x8xf32>) {
  // expected-error@+1 {{expects kernel in [1, 255], got 0}}
  %0 = effnet.stage mbconv %x {repeats = 1 : i64, kernel = 0 : i64, stride = 1 : i64, expand_ratio = 6.0 : f64, out_channels = 16 : i64} : tensor<1x16x8x8xf32> -> tensor<1x16x8x8xf32>
  return
}

// -----

// Strides are at least 1.
func.func @stage_stride(%x: tensor<1x16x8x8xf32>) {
  // expected-error@+1 {{expects stride in [1, 255], got 0}}
  %0 = effnet.stage mbconv %x {repeats = 1 : i64, kernel = 3 : i64, stride = 0 : i64, expand_ratio = 6.0 : f64, out_channels = 16 : i64} : tensor<1x16x8x8xf32> -> tensor<1x16x8x8xf32>
  return
}

// -----

// A kernel larger than the padded input has nowhere to go.
func.func @stage_kernel_too_large(%x: tensor<1x16x1x1xf32>) {
  // expected-error@+1 {{expects the 1x1 input, padded, to be at least as large as the 4x4 kernel}}
  %0 = effnet.stage mbconv %x {repeats = 1 : i64, kernel = 4 : i64, stride = 1 : i64, expand_ratio = 6.0 : f64, out_channels = 16 : i64} : tensor<1x16x1x1xf32> -> tensor<1x16x1x1xf32>
  return
}

// -----

// The declared result type must be the inferred one.
func.func @stage_result_type(%x: tensor<1x16x8x8xf32>) {
  // expected-error@+1 {{expects result type 'tensor<1x24x4x4xf32>', got 'tensor<1x24x8x8xf32>'}}
  %0 = effnet.stage mbconv %x {repeats = 1 : i64, kernel = 3 : i64, stride = 2 : i64, expand_ratio = 6.0 : f64, out_channels = 24 : i64} : tensor<1x16x8x8xf32> -> tensor<1x24x8x8xf32>
  return
}

// -----

// Channel and spatial sizes are static; only the batch may be dynamic.
func.func @dynamic_channels(%x: tensor<1x?x8x8xf32>) {
  // expected-error@+1 {{expects input to have static channel and spatial dimensions, got 'tensor<1x?x8x8xf32>'}}
  %0 = effnet.stem %x {name = "stem", out_channels = 8 : i64, kernel = 3 : i64, stride = 1 : i64} : tensor<1x?x8x8xf32> -> tensor<1x8x8x8xf32>
  return
}

// -----

// Empty tensors are not activations.
func.func @empty_input(%x: tensor<1x3x0x8xf32>) {
  // expected-error@+1 {{expects input to have non-empty channel and spatial dimensions, got 'tensor<1x3x0x8xf32>'}}
  %0 = effnet.stem %x {name = "stem", out_channels = 8 : i64, kernel = 3 : i64, stride = 1 : i64} : tensor<1x3x0x8xf32> -> tensor<1x8x0x8xf32>
  return
}

// -----

// Activations are NCHW tensors.
func.func @stem_rank(%x: tensor<3x8x8xf32>) {
  // expected-error@+1 {{'effnet.stem' op operand #0 must be 4D tensor of 32-bit float values}}
  %0 = effnet.stem %x {name = "stem", out_channels = 8 : i64, kernel = 3 : i64, stride = 1 : i64} : tensor<3x8x8xf32> -> tensor<1x8x8x8xf32>
  return
}

// -----

// Block ops check their channel counts.
func.func @mbconv_expand_channels(%x: tensor<1x16x8x8xf32>) {
  // expected-error@+1 {{'effnet.mbconv' op expects expand_channels in [1, 1048576], got 0}}
  %0 = effnet.mbconv %x {name = "b", kernel = 3 : i64, stride = 1 : i64, expand_channels = 0 : i64, out_channels = 16 : i64} : tensor<1x16x8x8xf32> -> tensor<1x16x8x8xf32>
  return
}

// -----

// Squeeze channels may be 0 (no squeeze-excite) but not negative.
func.func @fused_se_channels(%x: tensor<1x16x8x8xf32>) {
  // expected-error@+1 {{'effnet.fused_mbconv' op expects se_channels in [0, 1048576], got -1}}
  %0 = effnet.fused_mbconv %x {name = "b", kernel = 3 : i64, stride = 1 : i64, expand_channels = 64 : i64, out_channels = 16 : i64, se_channels = -1 : i64} : tensor<1x16x8x8xf32> -> tensor<1x16x8x8xf32>
  return
}

// -----

// The head needs classes.
func.func @head_classes(%x: tensor<1x16x8x8xf32>) {
  // expected-error@+1 {{'effnet.head' op expects num_classes in [1, 1048576], got 0}}
  %0 = effnet.head %x {name = "head", channels = 64 : i64, num_classes = 0 : i64} : tensor<1x16x8x8xf32> -> tensor<1x0xf32>
  return
}

// -----

// The head width must be positive.
func.func @head_channels(%x: tensor<1x16x8x8xf32>) {
  // expected-error@+1 {{'effnet.head' op expects channels in [1, 1048576], got 0}}
  %0 = effnet.head %x {name = "head", channels = 0 : i64, num_classes = 10 : i64} : tensor<1x16x8x8xf32> -> tensor<1x10xf32>
  return
}

// -----

// Dropout is a rate.
func.func @head_dropout(%x: tensor<1x16x8x8xf32>) {
  // expected-error@+1 {{'effnet.head' op expects dropout in [0, 1), got -0.5}}
  %0 = effnet.head %x {name = "head", channels = 64 : i64, num_classes = 10 : i64, dropout = -0.5 : f64} : tensor<1x16x8x8xf32> -> tensor<1x10xf32>
  return
}

// -----

// A weight has a name.
func.func @weight_name() {
  // expected-error@+1 {{'effnet.weight' op expects a non-empty weight name}}
  %0 = effnet.weight "" : tensor<8xf32>
  return
}

// -----

// A weight has a static shape.
func.func @weight_static() {
  // expected-error@+1 {{'effnet.weight' op expects the weight to be a static f32 tensor, got 'tensor<?xf32>'}}
  %0 = effnet.weight "w" : tensor<?xf32>
  return
}

// -----

// A bound weight's values have the weight's type.
func.func @weight_value_type() {
  // expected-error@+1 {{'effnet.weight' op expects a value of type 'tensor<4xf32>', got 'tensor<3xf32>'}}
  %0 = effnet.weight "w" {value = dense<1.0> : tensor<3xf32>} : tensor<4xf32>
  return
}

// -----

// Grouped convolutions split the input channels evenly.
func.func @conv_groups_input(%x: tensor<1x6x8x8xf32>, %w: tensor<8x1x3x3xf32>) {
  // expected-error@+1 {{'effnet.conv2d' op expects input channels (6) to be divisible by groups (4)}}
  %0 = effnet.conv2d %x, %w {groups = 4 : i64} : (tensor<1x6x8x8xf32>, tensor<8x1x3x3xf32>) -> tensor<1x8x6x6xf32>
  return
}

// -----

// ... and the filters too.
func.func @conv_groups_filters(%x: tensor<1x8x8x8xf32>, %w: tensor<6x2x3x3xf32>) {
  // expected-error@+1 {{expects weight filters (6) to be a positive multiple of groups (4)}}
  %0 = effnet.conv2d %x, %w {groups = 4 : i64} : (tensor<1x8x8x8xf32>, tensor<6x2x3x3xf32>) -> tensor<1x6x6x6xf32>
  return
}

// -----

// Groups are positive.
func.func @conv_groups_zero(%x: tensor<1x8x8x8xf32>, %w: tensor<8x8x3x3xf32>) {
  // expected-error@+1 {{expects groups in [1, 1048576], got 0}}
  %0 = effnet.conv2d %x, %w {groups = 0 : i64} : (tensor<1x8x8x8xf32>, tensor<8x8x3x3xf32>) -> tensor<1x8x6x6xf32>
  return
}

// -----

// The weight's input channels are the input's over the groups.
func.func @conv_weight_channels(%x: tensor<1x8x8x8xf32>, %w: tensor<16x4x3x3xf32>) {
  // expected-error@+1 {{expects weight dimension 1 to be input channels / groups = 8, got 4}}
  %0 = effnet.conv2d %x, %w : (tensor<1x8x8x8xf32>, tensor<16x4x3x3xf32>) -> tensor<1x16x6x6xf32>
  return
}

// -----

// Weights have static shapes.
func.func @conv_weight_dynamic(%x: tensor<1x8x8x8xf32>, %w: tensor<?x8x3x3xf32>) {
  // expected-error@+1 {{expects weight to be a 4-D static f32 tensor, got 'tensor<?x8x3x3xf32>'}}
  %0 = effnet.conv2d %x, %w : (tensor<1x8x8x8xf32>, tensor<?x8x3x3xf32>) -> tensor<1x16x6x6xf32>
  return
}

// -----

// A kernel has at least one tap.
func.func @conv_empty_kernel(%x: tensor<1x8x8x8xf32>, %w: tensor<16x8x0x3xf32>) {
  // expected-error@+1 {{expects a non-empty kernel, got 0x3}}
  %0 = effnet.conv2d %x, %w : (tensor<1x8x8x8xf32>, tensor<16x8x0x3xf32>) -> tensor<1x16x6x6xf32>
  return
}

// -----

// The bias has one value per filter.
func.func @conv_bias(%x: tensor<1x8x8x8xf32>, %w: tensor<16x8x3x3xf32>, %b: tensor<8xf32>) {
  // expected-error@+1 {{expects bias of 16 elements, got 8}}
  %0 = effnet.conv2d %x, %w, %b : (tensor<1x8x8x8xf32>, tensor<16x8x3x3xf32>, tensor<8xf32>) -> tensor<1x16x6x6xf32>
  return
}

// -----

// Biases have static shapes.
func.func @conv_bias_dynamic(%x: tensor<1x8x8x8xf32>, %w: tensor<16x8x3x3xf32>, %b: tensor<?xf32>) {
  // expected-error@+1 {{expects bias to be a 1-D static f32 tensor, got 'tensor<?xf32>'}}
  %0 = effnet.conv2d %x, %w, %b : (tensor<1x8x8x8xf32>, tensor<16x8x3x3xf32>, tensor<?xf32>) -> tensor<1x16x6x6xf32>
  return
}

// -----

// Strides are [height, width], each at least 1.
func.func @conv_strides(%x: tensor<1x8x8x8xf32>, %w: tensor<16x8x3x3xf32>) {
  // expected-error@+1 {{expects strides to be 2 values in [1, 255]}}
  %0 = effnet.conv2d %x, %w {strides = array<i64: 1, 0>} : (tensor<1x8x8x8xf32>, tensor<16x8x3x3xf32>) -> tensor<1x16x6x6xf32>
  return
}

// -----

// Dilations are [height, width], each at least 1.
func.func @conv_dilations(%x: tensor<1x8x8x8xf32>, %w: tensor<16x8x3x3xf32>) {
  // expected-error@+1 {{expects dilations to be 2 values in [1, 255]}}
  %0 = effnet.conv2d %x, %w {dilations = array<i64: 1, 1, 1>} : (tensor<1x8x8x8xf32>, tensor<16x8x3x3xf32>) -> tensor<1x16x6x6xf32>
  return
}

// -----

// Padding is [top, left, bottom, right], never negative.
func.func @conv_padding(%x: tensor<1x8x8x8xf32>, %w: tensor<16x8x3x3xf32>) {
  // expected-error@+1 {{expects padding to be 4 values [top, left, bottom, right] in [0, 255]}}
  %0 = effnet.conv2d %x, %w {padding = array<i64: 1, 1, -1, 1>} : (tensor<1x8x8x8xf32>, tensor<16x8x3x3xf32>) -> tensor<1x16x6x6xf32>
  return
}

// -----

// 'same' padding computes its own padding.
func.func @conv_same_with_padding(%x: tensor<1x8x8x8xf32>, %w: tensor<16x8x3x3xf32>) {
  // expected-error@+1 {{expects no explicit padding with padding_mode 'same'}}
  %0 = effnet.conv2d %x, %w {padding = array<i64: 1, 1, 1, 1>, padding_mode = #effnet.padding_mode<same>} : (tensor<1x8x8x8xf32>, tensor<16x8x3x3xf32>) -> tensor<1x16x8x8xf32>
  return
}

// -----

// A dilated kernel larger than the padded input has no output.
func.func @conv_too_small(%x: tensor<1x8x4x4xf32>, %w: tensor<16x8x3x3xf32>) {
  // expected-error@+1 {{expects the padded 4x4 input to be at least as large as the dilated 3x3 kernel}}
  %0 = effnet.conv2d %x, %w {dilations = array<i64: 2, 2>} : (tensor<1x8x4x4xf32>, tensor<16x8x3x3xf32>) -> tensor<1x16x1x1xf32>
  return
}

// -----

// The convolution's declared result must match its inferred shape.
func.func @conv_result(%x: tensor<1x8x8x8xf32>, %w: tensor<16x8x3x3xf32>) {
  // expected-error@+1 {{expects result type 'tensor<1x16x6x6xf32>', got 'tensor<1x16x8x8xf32>'}}
  %0 = effnet.conv2d %x, %w : (tensor<1x8x8x8xf32>, tensor<16x8x3x3xf32>) -> tensor<1x16x8x8xf32>
  return
}

// -----

// Batch-norm statistics have one value per channel.
func.func @bn_channels(%x: tensor<1x8x4x4xf32>, %c: tensor<8xf32>, %d: tensor<4xf32>) {
  // expected-error@+1 {{'effnet.batch_norm' op expects variance to have 8 elements (the input channels), got 4}}
  %0 = effnet.batch_norm %x, %c, %c, %c, %d : (tensor<1x8x4x4xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<4xf32>) -> tensor<1x8x4x4xf32>
  return
}

// -----

// Batch-norm statistics have static shapes.
func.func @bn_dynamic(%x: tensor<1x8x4x4xf32>, %c: tensor<8xf32>, %d: tensor<?xf32>) {
  // expected-error@+1 {{expects mean to be a 1-D static f32 tensor, got 'tensor<?xf32>'}}
  %0 = effnet.batch_norm %x, %c, %c, %d, %c : (tensor<1x8x4x4xf32>, tensor<8xf32>, tensor<8xf32>, tensor<?xf32>, tensor<8xf32>) -> tensor<1x8x4x4xf32>
  return
}

// -----

// Batch-norm epsilon must be positive.
func.func @bn_epsilon(%x: tensor<1x8x4x4xf32>, %c: tensor<8xf32>) {
  // expected-error@+1 {{expects epsilon to be positive, got -1}}
  %0 = effnet.batch_norm %x, %c, %c, %c, %c {epsilon = -1.0 : f64} : (tensor<1x8x4x4xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<1x8x4x4xf32>
  return
}

// -----

// Pooling produces N x C x 1 x 1.
func.func @pool_result(%x: tensor<1x8x4x4xf32>) {
  // expected-error@+1 {{'effnet.global_avg_pool' op expects result type 'tensor<1x8x1x1xf32>', got 'tensor<1x8x2x2xf32>'}}
  %0 = effnet.global_avg_pool %x : tensor<1x8x4x4xf32> -> tensor<1x8x2x2xf32>
  return
}

// -----

// Only pooled tensors flatten.
func.func @flatten_spatial(%x: tensor<1x8x2x2xf32>) {
  // expected-error@+1 {{'effnet.flatten' op expects 1x1 spatial dimensions, got 2x2}}
  %0 = effnet.flatten %x : tensor<1x8x2x2xf32> -> tensor<1x32xf32>
  return
}

// -----

// The channel scale has one value per channel and image.
func.func @channel_mul_scale(%x: tensor<1x8x4x4xf32>, %s: tensor<1x4x1x1xf32>) {
  // expected-error@+1 {{'effnet.channel_mul' op expects scale of shape NxCx1x1 matching input 'tensor<1x8x4x4xf32>', got 'tensor<1x4x1x1xf32>'}}
  %0 = effnet.channel_mul %x, %s : tensor<1x8x4x4xf32>, tensor<1x4x1x1xf32>
  return
}

// -----

// A residual add keeps the stochastic-depth rate of its branch.
func.func @add_rate(%x: tensor<1x8x4x4xf32>) {
  // expected-error@+1 {{'effnet.add' op expects stochastic_depth in [0, 1), got 2}}
  %0 = effnet.add %x, %x {stochastic_depth = 2.0 : f64} : tensor<1x8x4x4xf32>
  return
}

// -----

// The dense weight is M x K for an N x K input.
func.func @dense_weight(%x: tensor<1x8xf32>, %w: tensor<4x6xf32>) {
  // expected-error@+1 {{'effnet.dense' op expects weight of shape Mx8 (the input features), got 'tensor<4x6xf32>'}}
  %0 = effnet.dense %x, %w : (tensor<1x8xf32>, tensor<4x6xf32>) -> tensor<1x4xf32>
  return
}

// -----

// The dense bias has one value per output.
func.func @dense_bias(%x: tensor<1x8xf32>, %w: tensor<4x8xf32>, %b: tensor<8xf32>) {
  // expected-error@+1 {{expects bias of 4 elements, got 8}}
  %0 = effnet.dense %x, %w, %b : (tensor<1x8xf32>, tensor<4x8xf32>, tensor<8xf32>) -> tensor<1x4xf32>
  return
}

// -----

// The dense input has static features.
func.func @dense_input(%x: tensor<1x?xf32>, %w: tensor<4x8xf32>) {
  // expected-error@+1 {{expects input of shape NxK with static K, got 'tensor<1x?xf32>'}}
  %0 = effnet.dense %x, %w : (tensor<1x?xf32>, tensor<4x8xf32>) -> tensor<1x4xf32>
  return
}

// -----

// Dense weights have static shapes.
func.func @dense_weight_dynamic(%x: tensor<1x8xf32>, %w: tensor<?x8xf32>) {
  // expected-error@+1 {{expects weight to be a 2-D static f32 tensor, got 'tensor<?x8xf32>'}}
  %0 = effnet.dense %x, %w : (tensor<1x8xf32>, tensor<?x8xf32>) -> tensor<1x4xf32>
  return
}

// -----

// Dropout is a rate.
func.func @dense_dropout(%x: tensor<1x8xf32>, %w: tensor<4x8xf32>) {
  // expected-error@+1 {{expects dropout in [0, 1), got 1}}
  %0 = effnet.dense %x, %w {dropout = 1.0 : f64} : (tensor<1x8xf32>, tensor<4x8xf32>) -> tensor<1x4xf32>
  return
}

// -----

// Block kinds are keywords the dialect knows.
func.func @unknown_kind(%x: tensor<1x16x8x8xf32>) {
  // expected-error@+1 {{expected string or keyword containing one of the following enum values for attribute 'kind' [mbconv, fused_mbconv]}}
  %0 = effnet.stage resnet %x {repeats = 1 : i64, kernel = 3 : i64, stride = 1 : i64, expand_ratio = 6.0 : f64, out_channels = 16 : i64} : tensor<1x16x8x8xf32> -> tensor<1x16x8x8xf32>
  return
}

// -----

// A group's region takes one argument per input.
func.func @group_arguments(%x: tensor<1x8x4x4xf32>) {
  // expected-error@+1 {{'effnet.group' op expects 1 block arguments (one per input), got 0}}
  %0 = effnet.group "g"(%x) : (tensor<1x8x4x4xf32>) -> tensor<1x8x4x4xf32> {
    %w = effnet.weight "w" : tensor<1x8x4x4xf32>
    effnet.yield %w : tensor<1x8x4x4xf32>
  }
  return
}

// -----

// ... of the inputs' types.
func.func @group_argument_types(%x: tensor<1x8x4x4xf32>) {
  // expected-error@+1 {{'effnet.group' op expects block argument types to match the inputs, got 'tensor<1x8x2x2xf32>' for 'tensor<1x8x4x4xf32>'}}
  %0 = effnet.group "g"(%x) : (tensor<1x8x4x4xf32>) -> tensor<1x8x2x2xf32> {
  ^bb0(%a: tensor<1x8x2x2xf32>):
    effnet.yield %a : tensor<1x8x2x2xf32>
  }
  return
}

// -----

// The group's result is what its region yields.
func.func @group_yield_type(%x: tensor<1x8x4x4xf32>) {
  // expected-error@+1 {{'effnet.group' op expects the yielded type 'tensor<1x8x2x2xf32>', got 'tensor<1x8x4x4xf32>'}}
  %0 = effnet.group "g"(%x) : (tensor<1x8x4x4xf32>) -> tensor<1x8x2x2xf32> {
  ^bb0(%a: tensor<1x8x4x4xf32>):
    effnet.yield %a : tensor<1x8x4x4xf32>
  }
  return
}

// -----

// Groups do not nest.
func.func @group_nested(%x: tensor<1x8x4x4xf32>) {
  %0 = effnet.group "outer"(%x) : (tensor<1x8x4x4xf32>) -> tensor<1x8x4x4xf32> {
  ^bb0(%a: tensor<1x8x4x4xf32>):
    // expected-error@+1 {{'effnet.group' op expects groups not to nest}}
    %1 = effnet.group "inner"(%a) : (tensor<1x8x4x4xf32>) -> tensor<1x8x4x4xf32> {
    ^bb0(%b: tensor<1x8x4x4xf32>):
      effnet.yield %b : tensor<1x8x4x4xf32>
    }
    effnet.yield %1 : tensor<1x8x4x4xf32>
  }
  return
}

// -----

// Only effnet ops live in a group: code generation knows nothing else.
func.func @group_foreign(%x: tensor<1x8x4x4xf32>) {
  %0 = effnet.group "g"(%x) : (tensor<1x8x4x4xf32>) -> tensor<1x8x4x4xf32> {
  ^bb0(%a: tensor<1x8x4x4xf32>):
    // expected-error@+1 {{'func.call' op expects only effnet ops inside a group}}
    %1 = func.call @f(%a) : (tensor<1x8x4x4xf32>) -> tensor<1x8x4x4xf32>
    effnet.yield %1 : tensor<1x8x4x4xf32>
  }
  return
}
func.func private @f(tensor<1x8x4x4xf32>) -> tensor<1x8x4x4xf32>

// -----

// A yield ends a group, nothing else.
func.func @yield_outside(%x: tensor<1x8x4x4xf32>) {
  // expected-error@+1 {{'effnet.yield' op expects parent op 'effnet.group'}}
  effnet.yield %x : tensor<1x8x4x4xf32>
}
