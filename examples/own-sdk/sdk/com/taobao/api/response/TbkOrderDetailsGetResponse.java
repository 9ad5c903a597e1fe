package com.taobao.api.response;

import java.util.List;
import com.taobao.api.internal.mapping.ApiField;
import com.taobao.api.internal.mapping.ApiListField;
import java.io.Serializable;
import com.taobao.api.TaobaoObject;

import com.taobao.api.TaobaoResponse;

/**
 * TOP API: taobao.tbk.order.details.get response.
 * 
 * @author top auto create
 * @since 1.0, null
 */
public class TbkOrderDetailsGetResponse extends TaobaoResponse {

	private static final long serialVersionUID = 3539446652596611565L;

	/** 
	 * data
	 */
	@ApiField("data")
	private OrderPage data;


	public void setData(OrderPage data) {
		this.data = data;
	}
	public OrderPage getData( ) {
		return this.data;
	}
	
	/**
 * PublisherOrderDto
 *
 * @author top auto create
 * @since 1.0, null
 */
public static class PublisherOrderDto extends TaobaoObject {

	private static final long serialVersionUID = 8429891377318311493L;

	/**
		 * 买家确认收货的付款金额（不包含运费金额）
		 */
		@ApiField("alipay_total_price")
		private String alipayTotalPrice;
		/**
		 * 订单所属平台类型，包括天猫、淘宝、聚划算等
		 */
		@ApiField("order_type")
		private String orderType;
		/**
		 * 订单创建的时间，该时间同步淘宝，可能会略晚于买家在淘宝的订单创建时间
		 */
		@ApiField("tk_create_time")
		private String tkCreateTime;
		/**
		 * 已付款：指订单已付款，但还未确认收货 已收货：指订单已确认收货，但商家佣金未支付 已结算：指订单已确认收货，且商家佣金已支付成功 已失效：指订单关闭/订单佣金小于0.01元，订单关闭主要有：1）买家超时未付款； 2）买家付款前，买家/卖家取消了订单；3）订单付款后发起售中退款成功；3：订单结算，12：订单付款， 13：订单失效，14：订单成功
		 */
		@ApiField("tk_status")
		private Long tkStatus;
		/**
		 * 买家通过购物车购买的每个商品对应的订单编号，此订单编号并未在淘宝买家后台透出
		 */
		@ApiField("trade_id")
		private String tradeId;
		/**
		 * 商品标签
		 */
		@ApiListField("item_tags")
		@ApiField("string")
		private List<String> itemTags;
	

	public String getAlipayTotalPrice() {
			return this.alipayTotalPrice;
		}
		public void setAlipayTotalPrice(String alipayTotalPrice) {
			this.alipayTotalPrice = alipayTotalPrice;
		}
	}

	/**
 * data
 *
 * @author top auto create
 * @since 1.0, null
 */
public static class OrderPage extends TaobaoObject {

	private static final long serialVersionUID = 5539717573962879234L;

	/**
		 * 是否还有下一页
		 */
		@ApiField("has_next")
		private Boolean hasNext;
		/**
		 * 位点，除第一页之外，都需要传递；前端原样返回。
		 */
		@ApiField("position_index")
		private String positionIndex;
		/**
		 * PublisherOrderDto
		 */
		@ApiListField("results")
		@ApiField("publisher_order_dto")
		private List<PublisherOrderDto> results;
	

	public Boolean getHasNext() {
			return this.hasNext;
		}
		public void setHasNext(Boolean hasNext) {
			this.hasNext = hasNext;
		}
	}
	


}
