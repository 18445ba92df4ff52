// A model whose groups take the epilogue paths code generation has besides
// the ones EfficientNet uses: an unfolded batch norm (its convolution has a
// second user, so effnet-fold-batchnorm leaves it), ReLU, a residual add in a
// group without an anchor, a pooling-only group, and a convolution whose
// output is scaled by another group's result (ScaleByInput). See
// epilogues.test.
func.func @efficientnet(%x: tensor<1x3x8x8xf32>) -> tensor<1x5xf32> {
  %w1 = effnet.weight "a.conv.weight" : tensor<8x3x3x3xf32>
  %c1 = effnet.conv2d %x, %w1 {padding = array<i64: 1, 1, 1, 1>} : (tensor<1x3x8x8xf32>, tensor<8x3x3x3xf32>) -> tensor<1x8x8x8xf32>
  %g = effnet.weight "a.bn.weight" : tensor<8xf32>
  %b = effnet.weight "a.bn.bias" : tensor<8xf32>
  %m = effnet.weight "a.bn.running_mean" : tensor<8xf32>
  %v = effnet.weight "a.bn.running_var" : tensor<8xf32>
  %bn = effnet.batch_norm %c1, %g, %b, %m, %v {epsilon = 1.0e-03 : f64} : (tensor<1x8x8x8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<1x8x8x8xf32>
  %r = effnet.activation relu %bn : tensor<1x8x8x8xf32>
  %s = effnet.add %r, %c1 : tensor<1x8x8x8xf32>
  %w2 = effnet.weight "b.conv.weight" : tensor<8x8x1x1xf32>
  %b2 = effnet.weight "b.conv.bias" : tensor<8xf32>
  %c2 = effnet.conv2d %s, %w2, %b2 : (tensor<1x8x8x8xf32>, tensor<8x8x1x1xf32>, tensor<8xf32>) -> tensor<1x8x8x8xf32>
  %p = effnet.global_avg_pool %s : tensor<1x8x8x8xf32> -> tensor<1x8x1x1xf32>
  %sc = effnet.channel_mul %c2, %p : tensor<1x8x8x8xf32>, tensor<1x8x1x1xf32>
  %q = effnet.global_avg_pool %sc : tensor<1x8x8x8xf32> -> tensor<1x8x1x1xf32>
  %f = effnet.flatten %q : tensor<1x8x1x1xf32> -> tensor<1x8xf32>
  %wd = effnet.weight "head.classifier.weight" : tensor<5x8xf32>
  %bd = effnet.weight "head.classifier.bias" : tensor<5xf32>
  %d = effnet.dense %f, %wd, %bd : (tensor<1x8xf32>, tensor<5x8xf32>, tensor<5xf32>) -> tensor<1x5xf32>
  return %d : tensor<1x5xf32>
}
