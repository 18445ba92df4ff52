module {
  func.func @efficientnet(%arg0: tensor<1x3x32x32xf32>) -> tensor<1x4xf32> attributes {effnet.table = "b0", effnet.variant = "b0"} {
    %0 = effnet.stem %arg0 {kernel = 3 : i64, name = "stem", out_channels = 32 : i64, stride = 2 : i64} : tensor<1x3x32x32xf32> -> tensor<1x32x16x16xf32>
    %1 = effnet.stage mbconv %0 {expand_ratio = 1.000000e+00 : f64, kernel = 3 : i64, out_channels = 16 : i64, repeats = 1 : i64, se_ratio = 2.500000e-01 : f64, stochastic_depth = 2.000000e-01 : f64, stride = 1 : i64} : tensor<1x32x16x16xf32> -> tensor<1x16x16x16xf32>
    %2 = effnet.stage mbconv %1 {expand_ratio = 6.000000e+00 : f64, kernel = 3 : i64, out_channels = 24 : i64, repeats = 2 : i64, se_ratio = 2.500000e-01 : f64, stochastic_depth = 2.000000e-01 : f64, stride = 2 : i64} : tensor<1x16x16x16xf32> -> tensor<1x24x8x8xf32>
    %3 = effnet.stage mbconv %2 {expand_ratio = 6.000000e+00 : f64, kernel = 5 : i64, out_channels = 40 : i64, repeats = 2 : i64, se_ratio = 2.500000e-01 : f64, stochastic_depth = 2.000000e-01 : f64, stride = 2 : i64} : tensor<1x24x8x8xf32> -> tensor<1x40x4x4xf32>
    %4 = effnet.stage mbconv %3 {expand_ratio = 6.000000e+00 : f64, kernel = 3 : i64, out_channels = 80 : i64, repeats = 3 : i64, se_ratio = 2.500000e-01 : f64, stochastic_depth = 2.000000e-01 : f64, stride = 2 : i64} : tensor<1x40x4x4xf32> -> tensor<1x80x2x2xf32>
    %5 = effnet.stage mbconv %4 {expand_ratio = 6.000000e+00 : f64, kernel = 5 : i64, out_channels = 112 : i64, repeats = 3 : i64, se_ratio = 2.500000e-01 : f64, stochastic_depth = 2.000000e-01 : f64, stride = 1 : i64} : tensor<1x80x2x2xf32> -> tensor<1x112x2x2xf32>
    %6 = effnet.stage mbconv %5 {expand_ratio = 6.000000e+00 : f64, kernel = 5 : i64, out_channels = 192 : i64, repeats = 4 : i64, se_ratio = 2.500000e-01 : f64, stochastic_depth = 2.000000e-01 : f64, stride = 2 : i64} : tensor<1x112x2x2xf32> -> tensor<1x192x1x1xf32>
    %7 = effnet.stage mbconv %6 {expand_ratio = 6.000000e+00 : f64, kernel = 3 : i64, out_channels = 320 : i64, repeats = 1 : i64, se_ratio = 2.500000e-01 : f64, stochastic_depth = 2.000000e-01 : f64, stride = 1 : i64} : tensor<1x192x1x1xf32> -> tensor<1x320x1x1xf32>
    %8 = effnet.head %7 {channels = 1280 : i64, dropout = 2.000000e-01 : f64, name = "head", num_classes = 4 : i64} : tensor<1x320x1x1xf32> -> tensor<1x4xf32>
    return %8 : tensor<1x4xf32>
  }
}
