// Two groups for the schedule-file tests: a 1x1 convolution and a depthwise
// convolution.
func.func @blocks(%x: tensor<1x16x56x56xf32>) -> tensor<1x96x56x56xf32> {
  %0 = effnet.group "expand"(%x) : (tensor<1x16x56x56xf32>) -> tensor<1x96x56x56xf32> {
  ^bb0(%in: tensor<1x16x56x56xf32>):
    %w = effnet.weight "expand.weight" : tensor<96x16x1x1xf32>
    %c = effnet.conv2d %in, %w : (tensor<1x16x56x56xf32>, tensor<96x16x1x1xf32>) -> tensor<1x96x56x56xf32>
    effnet.yield %c : tensor<1x96x56x56xf32>
  }
  %1 = effnet.group "dw"(%0) : (tensor<1x96x56x56xf32>) -> tensor<1x96x56x56xf32> {
  ^bb0(%in: tensor<1x96x56x56xf32>):
    %w = effnet.weight "dw.weight" : tensor<96x1x3x3xf32>
    %c = effnet.conv2d %in, %w {groups = 96 : i64, padding = array<i64: 1, 1, 1, 1>} : (tensor<1x96x56x56xf32>, tensor<96x1x3x3xf32>) -> tensor<1x96x56x56xf32>
    effnet.yield %c : tensor<1x96x56x56xf32>
  }
  return %1 : tensor<1x96x56x56xf32>
}
