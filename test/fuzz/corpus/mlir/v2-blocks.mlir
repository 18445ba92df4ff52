module {
  func.func @efficientnet(%arg0: tensor<1x3x16x16xf32>) -> tensor<1x4xf32> attributes {effnet.table = "v2_s", effnet.variant = "custom"} {
    %0 = effnet.stem %arg0 {bn_eps = 1.000000e-03 : f64, kernel = 3 : i64, name = "stem", out_channels = 8 : i64, stride = 2 : i64} : tensor<1x3x16x16xf32> -> tensor<1x8x8x8xf32>
    %1 = effnet.fused_mbconv %0 {bn_eps = 1.000000e-03 : f64, expand_channels = 8 : i64, kernel = 3 : i64, name = "blocks.0.0", out_channels = 8 : i64, stride = 1 : i64} : tensor<1x8x8x8xf32> -> tensor<1x8x8x8xf32>
    %2 = effnet.fused_mbconv %1 {bn_eps = 1.000000e-03 : f64, expand_channels = 32 : i64, kernel = 3 : i64, name = "blocks.1.0", out_channels = 16 : i64, stochastic_depth = 0.028571428571428574 : f64, stride = 2 : i64} : tensor<1x8x8x8xf32> -> tensor<1x16x4x4xf32>
    %3 = effnet.fused_mbconv %2 {bn_eps = 1.000000e-03 : f64, expand_channels = 64 : i64, kernel = 3 : i64, name = "blocks.2.0", out_channels = 16 : i64, stochastic_depth = 0.057142857142857148 : f64, stride = 2 : i64} : tensor<1x16x4x4xf32> -> tensor<1x16x2x2xf32>
    %4 = effnet.mbconv %3 {bn_eps = 1.000000e-03 : f64, expand_channels = 64 : i64, kernel = 3 : i64, name = "blocks.3.0", out_channels = 32 : i64, se_channels = 4 : i64, stochastic_depth = 0.085714285714285729 : f64, stride = 2 : i64} : tensor<1x16x2x2xf32> -> tensor<1x32x1x1xf32>
    %5 = effnet.mbconv %4 {bn_eps = 1.000000e-03 : f64, expand_channels = 192 : i64, kernel = 3 : i64, name = "blocks.4.0", out_channels = 40 : i64, se_channels = 8 : i64, stochastic_depth = 0.1142857142857143 : f64, stride = 1 : i64} : tensor<1x32x1x1xf32> -> tensor<1x40x1x1xf32>
    %6 = effnet.mbconv %5 {bn_eps = 1.000000e-03 : f64, expand_channels = 240 : i64, kernel = 3 : i64, name = "blocks.5.0", out_channels = 64 : i64, se_channels = 10 : i64, stochastic_depth = 0.14285714285714285 : f64, stride = 2 : i64} : tensor<1x40x1x1xf32> -> tensor<1x64x1x1xf32>
    %7 = effnet.mbconv %6 {bn_eps = 1.000000e-03 : f64, expand_channels = 384 : i64, kernel = 3 : i64, name = "blocks.5.1", out_channels = 64 : i64, se_channels = 16 : i64, stochastic_depth = 0.17142857142857146 : f64, stride = 1 : i64} : tensor<1x64x1x1xf32> -> tensor<1x64x1x1xf32>
    %8 = effnet.head %7 {bn_eps = 1.000000e-03 : f64, channels = 320 : i64, dropout = 2.000000e-01 : f64, name = "head", num_classes = 4 : i64} : tensor<1x64x1x1xf32> -> tensor<1x4xf32>
    return %8 : tensor<1x4xf32>
  }
}
