// A 7x7, stride 2 depthwise convolution (64 channels, 28 -> 14): its
// block's input tile with halo is 32 x 21 x 7 floats, 18816 bytes
// (effnet-tile-gpu.test).
func.func @depthwise_7x7(%x: tensor<1x64x28x28xf32>) -> tensor<1x64x14x14xf32> {
  %0 = effnet.group "dw7"(%x) : (tensor<1x64x28x28xf32>) -> tensor<1x64x14x14xf32> {
  ^bb0(%in: tensor<1x64x28x28xf32>):
    %w = effnet.weight "dw7.weight" : tensor<64x1x7x7xf32>
    %c = effnet.conv2d %in, %w {groups = 64 : i64, strides = array<i64: 2, 2>, padding = array<i64: 3, 3, 3, 3>} : (tensor<1x64x28x28xf32>, tensor<64x1x7x7xf32>) -> tensor<1x64x14x14xf32>
    effnet.yield %c : tensor<1x64x14x14xf32>
  }
  return %0 : tensor<1x64x14x14xf32>
}
